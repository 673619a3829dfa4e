import { z } from 'zod';
import { StageName } from './runs';

/**
 * The Run detail view's drill-down commands (issue 9): what a run did, read on demand rather than pushed as
 * events, because each is large (a diff, the model's messages, documents) or lives outside the store (the
 * workspace's git history and files, the safety log). Each command reads; none changes the run.
 */

const Id = z.string().min(1);

export const RunExperimentQuery = z.object({ id: Id, step: z.number().int().min(0) }).strict();

/** A text cut to a size the UI can render; `truncated` says the rest was left out and `bytes` how big it was. */
export const CappedText = z.object({
  text: z.string(),
  bytes: z.number().int().min(0),
  truncated: z.boolean(),
});
export type CappedText = z.infer<typeof CappedText>;

/** What a critic said about an experiment: a procedural verdict or its one model call's advice. */
export const CriticNote = z.object({
  stage: StageName,
  at: z.string(),
  /** `pass` / `fail` / `retry` of the stage, or `advice` for the critic model's own words. */
  kind: z.enum(['pass', 'fail', 'retry', 'skipped', 'advice']),
  text: z.string(),
});
export type CriticNote = z.infer<typeof CriticNote>;

export const RunExperimentDetail = z.object({
  step: z.number().int(),
  parentStep: z.number().int().nullable(),
  hypothesis: z.string(),
  proposal: z.string(),
  /** Why it was reverted, abandoned or failed. */
  note: z.string().nullable(),
  commitSha: z.string().nullable(),
  /** The commit the diff is taken against (the parent experiment's commit, or the commit before). */
  parentSha: z.string().nullable(),
  /** `git diff parent..commit` as unified text; null when there is nothing to diff (see `diffNote`). */
  diff: CappedText.nullable(),
  /** Why there is no diff, or what was left out of it. */
  diffNote: z.string().nullable(),
  critic: z.array(CriticNote),
});
export type RunExperimentDetail = z.infer<typeof RunExperimentDetail>;

export const RunTraceQuery = z
  .object({
    id: Id,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();

/** One model call with what it was sent and what came back (each message's content capped when stored). */
export const TraceCall = z.object({
  id: z.number().int(),
  seq: z.number().int().nullable(),
  stage: StageName,
  step: z.number().int(),
  model: z.string(),
  at: z.string(),
  durationMs: z.number(),
  attempts: z.number().int(),
  ok: z.boolean(),
  error: z.string().nullable(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: z.number().nullable(),
  /** The request's messages (OpenAI chat format: role, content, tool_calls). */
  messages: z.array(z.unknown()),
  /** The assistant's reply (with its tool calls); null when the call failed. */
  response: z.unknown().nullable(),
});
export type TraceCall = z.infer<typeof TraceCall>;

export const RunTrace = z.object({ calls: z.array(TraceCall), total: z.number().int() });
export type RunTrace = z.infer<typeof RunTrace>;

export const RunDocument = z.object({
  name: z.enum(['research_log.md', 'data_analysis.md']),
  /** Null: the file is not in the workspace (yet); `missing` says why. */
  content: CappedText.nullable(),
  missing: z.string().nullable(),
  modifiedAt: z.string().nullable(),
});
export type RunDocument = z.infer<typeof RunDocument>;

export const RunDocuments = z.object({ documents: z.array(RunDocument) });
export type RunDocuments = z.infer<typeof RunDocuments>;

export const GitCommit = z.object({
  sha: z.string(),
  parents: z.array(z.string()),
  author: z.string(),
  at: z.string(),
  subject: z.string(),
  body: z.string(),
});
export type GitCommit = z.infer<typeof GitCommit>;

export const RunGitLog = z.object({
  /** The run's branch; null when the workspace no longer records it (the commits are then HEAD's). */
  branch: z.string().nullable(),
  commits: z.array(GitCommit),
  /** More commits than a page holds were left out (the oldest). */
  truncated: z.boolean(),
  /** Why the log is empty or partial (no repository, branch deleted...). */
  note: z.string().nullable(),
});
export type RunGitLog = z.infer<typeof RunGitLog>;

/** One command the safety policy blocked (a line of the workspace's logs/safety.log). */
export const SafetyBlock = z.object({
  at: z.string(),
  kind: z.string(),
  rule: z.string(),
  subject: z.string(),
});
export type SafetyBlock = z.infer<typeof SafetyBlock>;

export const RunSafety = z.object({
  blocks: z.array(SafetyBlock),
  /** The log read (`<workspace>/logs/safety.log`). */
  file: z.string(),
  note: z.string().nullable(),
});
export type RunSafety = z.infer<typeof RunSafety>;
