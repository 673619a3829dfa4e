import { z } from 'zod';

/** The example datasets, made on demand by seeded generators (engine/examples). */

export const ExampleSummary = z.object({
  name: z.string(),
  title: z.string(),
  kind: z.enum(['tabular', 'image_folder', 'text_jsonl']),
  task: z.string(),
  description: z.string(),
  /** The goal a run on it gets (project.yaml `goals.task_description`). */
  taskText: z.string(),
  labelColumn: z.string(),
  classes: z.array(z.string()).optional(),
  metric: z.object({ name: z.string(), direction: z.enum(['higher', 'lower']), target: z.number() }),
  unit: z.enum(['rows', 'lines', 'images']),
  defaultSize: z.number().int(),
  minSize: z.number().int(),
  maxSize: z.number().int(),
});
export type ExampleSummary = z.infer<typeof ExampleSummary>;

export const ExampleList = z.object({
  examples: z.array(ExampleSummary),
  /** The seed used when none is given. */
  defaultSeed: z.number().int(),
  /** The catalog as text, as `mle-beast examples list` prints it. */
  text: z.string(),
});
export type ExampleList = z.infer<typeof ExampleList>;

export const ExampleCreateInput = z
  .object({
    name: z.string().trim().min(1, 'name the example (see examples.list)'),
    /** A new or empty folder (absolute); nothing in it is ever overwritten. */
    folder: z
      .string()
      .trim()
      .min(1, 'give the folder to create')
      .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), {
        message: 'the folder must be an absolute path',
      }),
    /** The draw; the same seed gives byte-identical files. */
    seed: z.number().int().min(0).optional(),
    /** Rows, images or lines. */
    size: z.number().int().positive().optional(),
  })
  .strict();
export type ExampleCreateInput = z.input<typeof ExampleCreateInput>;

export const ExampleCreated = z.object({
  name: z.string(),
  /** Absolute: the folder written. */
  dir: z.string(),
  /** Absolute: the dataset path to give a run. */
  dataPath: z.string(),
  seed: z.number().int(),
  size: z.number().int(),
  files: z.number().int(),
  bytes: z.number().int(),
  /** What was written and what to do with it, for a person. */
  text: z.string(),
  /** A project.yaml for a run on the example. */
  projectYaml: z.string(),
});
export type ExampleCreated = z.infer<typeof ExampleCreated>;
