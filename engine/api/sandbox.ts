import { z } from 'zod';

/**
 * The sandbox, as hosts see it: is Docker there, is the image built, can local runs be isolated by the OS, is
 * there a GPU; and building the image, with its progress as events (`sandbox.build.progress`,
 * `sandbox.build.finished`).
 */

/** The two images: `online` (GPU-capable PyTorch, needs internet), `offline` (CPU, from Debian packages). */
export const SandboxImageVariant = z.enum(['online', 'offline']);
export type SandboxImageVariant = z.infer<typeof SandboxImageVariant>;

export const SandboxImageStatus = z.object({
  tag: z.string(),
  variant: SandboxImageVariant,
  present: z.boolean(),
  sizeBytes: z.number().nullable(),
  /** ISO time the image was created, when present. */
  createdAt: z.string().nullable(),
  /** The CLI command that builds it (the desktop app starts the same build with `sandbox.build`). */
  build: z.string(),
});
export type SandboxImageStatus = z.infer<typeof SandboxImageStatus>;

export const SandboxDockerStatus = z.object({
  available: z.boolean(),
  /** DOCKER_HOST or the default socket. */
  endpoint: z.string(),
  /** Why the daemon does not answer and what to do about it; null when it answers. */
  problem: z.object({ code: z.string(), message: z.string() }).nullable(),
  version: z.string().nullable(),
  apiVersion: z.string().nullable(),
  os: z.string().nullable(),
  cgroupVersion: z.string().nullable(),
  cpus: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  /** An NVIDIA runtime is configured on the daemon; null when the daemon did not say. */
  nvidiaRuntime: z.boolean().nullable(),
});
export type SandboxDockerStatus = z.infer<typeof SandboxDockerStatus>;

/** The OS sandbox for local runs: bubblewrap (Linux), Seatbelt (macOS), or none and why. */
export const OsSandboxStatus = z.object({
  kind: z.enum(['bubblewrap', 'seatbelt', 'none']),
  available: z.boolean(),
  /** The program that isolates, when there is one. */
  program: z.string().nullable(),
  /** Why there is none, and how to get one. */
  reason: z.string().nullable(),
});
export type OsSandboxStatus = z.infer<typeof OsSandboxStatus>;

export const GpuStatus = z.object({
  /** An NVIDIA GPU answers on this machine (nvidia-smi lists one). */
  detected: z.boolean(),
  /** The GPUs nvidia-smi lists, e.g. `NVIDIA H100 80GB HBM3`. */
  devices: z.array(z.string()),
  /** What that means for runs, in a sentence (why none, or whether Docker can hand it to a sandbox). */
  note: z.string(),
});
export type GpuStatus = z.infer<typeof GpuStatus>;

export const SandboxBuildPhase = z.enum(['starting', 'downloading', 'building', 'exporting', 'finishing']);
export type SandboxBuildPhase = z.infer<typeof SandboxBuildPhase>;

/** The build going on now (one at a time per engine). */
export const SandboxBuildState = z.object({
  buildId: z.string(),
  variant: SandboxImageVariant,
  tag: z.string(),
  startedAt: z.string(),
  phase: SandboxBuildPhase,
  percent: z.number().min(0).max(100).nullable(),
  /** The last line the build printed. */
  lastLine: z.string().nullable(),
});
export type SandboxBuildState = z.infer<typeof SandboxBuildState>;

export const SandboxStatus = z.object({
  /** A Docker sandbox can start now: the daemon answers and a sandbox image is there. */
  ready: z.boolean(),
  docker: SandboxDockerStatus,
  images: z.array(SandboxImageStatus),
  /** The image a Docker sandbox uses by default, or null. */
  defaultImage: z.string().nullable(),
  osSandbox: OsSandboxStatus,
  gpu: GpuStatus,
  /** What to do, if anything, one sentence each. */
  advice: z.array(z.string()),
  /** The image build this engine is running, or null. */
  build: SandboxBuildState.nullable(),
});
export type SandboxStatus = z.infer<typeof SandboxStatus>;

export const SandboxBuildInput = z
  .object({
    variant: SandboxImageVariant,
    /** Another tag than the one the sandbox uses (the CLI's --tag). */
    tag: z.string().trim().min(1).optional(),
    /** Online only: another PyTorch/CUDA base image. */
    baseImage: z.string().trim().min(1).optional(),
    /** Do nothing when the image is already on the daemon. */
    ifMissing: z.boolean().optional(),
  })
  .strict()
  .refine((input) => !(input.baseImage && input.variant === 'offline'), {
    message: 'baseImage applies to the online build only',
    path: ['baseImage'],
  });
export type SandboxBuildInput = z.input<typeof SandboxBuildInput>;

/**
 * The answer to `sandbox.build`, at once: `started` (a new build; follow it by its buildId), `running` (the same
 * build was already going: this is its id), `present` (ifMissing and the image is there: nothing to do).
 */
export const SandboxBuildStarted = z.object({
  status: z.enum(['started', 'running', 'present']),
  /** Null for `present`. */
  buildId: z.string().nullable(),
  variant: SandboxImageVariant,
  tag: z.string(),
  /** For `present`: the image's size. */
  sizeBytes: z.number().nullable(),
});
export type SandboxBuildStarted = z.infer<typeof SandboxBuildStarted>;

export const SandboxBuildProgress = z.object({
  buildId: z.string(),
  phase: SandboxBuildPhase,
  /** How far the build is, when it can tell (Dockerfile steps, offline script steps); null otherwise. */
  percent: z.number().min(0).max(100).nullable(),
  line: z.string(),
});
export type SandboxBuildProgress = z.infer<typeof SandboxBuildProgress>;

export const SandboxBuildFinished = z.object({
  buildId: z.string(),
  ok: z.boolean(),
  /** What went wrong and what to do; null on success. */
  error: z.string().nullable(),
  tag: z.string(),
  sizeBytes: z.number().nullable(),
  seconds: z.number(),
});
export type SandboxBuildFinished = z.infer<typeof SandboxBuildFinished>;
