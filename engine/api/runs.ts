import { z } from 'zod';
import {
  Direction,
  EndReason,
  ExperimentOutcome,
  ExperimentTag,
  LogSource,
  LogStream,
  RunMode,
  RunStatus,
  SandboxChoice,
  ScoreSource,
  ScoreSplit,
  StageName,
  StageStatus,
} from './vocabulary';

// The shared words are declared in ./vocabulary; re-exported so imports of them from here keep working.
export {
  EndReason,
  ExperimentOutcome,
  ExperimentTag,
  RunStatus,
  STAGES,
  StageName,
  StageStatus,
  TERMINAL_STATUSES,
  isTerminalStatus,
} from './vocabulary';
import { ProjectForm } from './project-form';

/**
 * Runs in the contract: their states, the stages of the pipeline, the events a run emits and the
 * snapshots a UI opens a run with. The store, the pipeline, the CLI and every UI use these schemas.
 */

export const Experiment = z.object({
  step: z.number().int().min(0),
  /** The kept step this one started from (null for the baseline). */
  parentStep: z.number().int().nullable(),
  hypothesis: z.string(),
  /** The full proposal text. */
  proposal: z.string(),
  tag: ExperimentTag.nullable(),
  outcome: ExperimentOutcome,
  /** The engine's score on the hidden selection split (null: no score). */
  score: z.number().nullable(),
  /** What evaluate.py wrote in eval_results.json: shown, never used for decisions when a holdout exists. */
  selfReportedScore: z.number().nullable(),
  /** Why it was reverted, abandoned or failed. */
  note: z.string().nullable(),
  commitSha: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  /** Known cost in USD (calls whose cost is unknown are counted in `unknownCostCalls`). */
  costUsd: z.number(),
  unknownCostCalls: z.number().int(),
});
export type Experiment = z.infer<typeof Experiment>;

const Usage = z.object({
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  cachedTokens: z.number().int(),
  /** USD; null when neither the provider nor the catalog said. */
  costUsd: z.number().nullable(),
});

/** Everything a run emits, in order. Each is stored with a per-run sequence number before it is fanned out. */
export const RunEventBody = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run.state'),
    status: RunStatus,
    reason: EndReason.nullable(),
    message: z.string().nullable(),
  }),
  z.object({
    type: z.literal('stage.started'),
    stage: StageName,
    step: z.number().int(),
    attempt: z.number().int(),
  }),
  z.object({
    type: z.literal('stage.finished'),
    stage: StageName,
    step: z.number().int(),
    outcome: z.enum(['pass', 'fail', 'retry', 'skipped']),
    message: z.string().nullable(),
  }),
  z.object({
    type: z.literal('llm.call'),
    stage: StageName,
    step: z.number().int(),
    model: z.string(),
    ok: z.boolean(),
    durationMs: z.number(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    usage: Usage,
  }),
  z.object({
    type: z.literal('tool.call'),
    stage: StageName,
    step: z.number().int(),
    tool: z.string(),
    /** The arguments, each string cut to a preview. */
    args: z.record(z.string(), z.unknown()),
    ok: z.boolean(),
    /** The first part of what the tool returned to the model. */
    preview: z.string(),
    durationMs: z.number(),
  }),
  z.object({
    type: z.literal('log'),
    stage: StageName.nullable(),
    /** Where the text came from: a script the engine ran, or the engine itself. */
    source: LogSource,
    stream: LogStream,
    text: z.string(),
  }),
  z.object({
    /**
     * Where a command's output stopped being stored line by line: the database keeps the first and last lines
     * of each command and a rate-limited sample between; the whole output is in the run folder's log file.
     */
    type: z.literal('log.omitted'),
    stage: StageName.nullable(),
    source: LogSource,
    /** The command's log in the run folder (`runs.log` pages it): `<name>.log` under `<run folder>/logs/`. */
    log: z.string(),
    /** Lines not stored as events, and all the lines the command printed. */
    omittedLines: z.number().int().min(0),
    totalLines: z.number().int().min(0),
  }),
  z.object({
    type: z.literal('metrics'),
    step: z.number().int(),
    /** One line of logs/metrics.jsonl: numbers only (epoch included when present). */
    values: z.record(z.string(), z.number()),
  }),
  z.object({
    type: z.literal('score'),
    step: z.number().int(),
    split: ScoreSplit,
    metric: z.string(),
    value: z.number().nullable(),
    /** `engine`: computed on the hidden holdout; `self_reported`: eval_results.json (no trusted scoring). */
    source: ScoreSource,
    problems: z.array(z.string()),
  }),
  z.object({
    /**
     * A warning: the agent's own figure (eval_results.json) and the engine's score on the hidden holdout are
     * too far apart (see score-check.ts for the threshold). Shown; decisions use the engine's score anyway.
     */
    type: z.literal('score.disagreement'),
    step: z.number().int(),
    metric: z.string(),
    selfReported: z.number(),
    engine: z.number(),
    message: z.string(),
  }),
  z.object({ type: z.literal('experiment'), experiment: Experiment }),
  z.object({
    type: z.literal('progress'),
    step: z.number().int(),
    maxSteps: z.number().int(),
    bestScore: z.number().nullable(),
    costUsd: z.number(),
    elapsedMs: z.number(),
  }),
]);
export type RunEventBody = z.infer<typeof RunEventBody>;
export type RunEventType = RunEventBody['type'];

export const RunEvent = z.object({
  runId: z.string(),
  seq: z.number().int().min(1),
  at: z.string(),
  body: RunEventBody,
});
export type RunEvent = z.infer<typeof RunEvent>;

/**
 * Several events of one run in one message (chatty output is coalesced before it is stored and sent): their
 * sequence numbers follow one another, in order. Clients unpack them in order (`runEventsOf`).
 */
export const RunEventBatch = z
  .object({ runId: z.string(), events: z.array(RunEvent).min(1) })
  .refine(
    (b) => b.events.every((e, i) => e.runId === b.runId && (i === 0 || e.seq === b.events[i - 1]!.seq + 1)),
    {
      message: 'a batch holds events of its run with consecutive sequence numbers',
    },
  );
export type RunEventBatch = z.infer<typeof RunEventBatch>;

export const RunSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  status: RunStatus,
  endReason: EndReason.nullable(),
  message: z.string().nullable(),
  mode: RunMode,
  task: z.string(),
  workspace: z.string(),
  metric: z.object({
    name: z.string(),
    direction: Direction,
    target: z.number().nullable(),
    trusted: z.boolean(),
  }),
  step: z.number().int(),
  maxSteps: z.number().int(),
  bestScore: z.number().nullable(),
  bestStep: z.number().int().nullable(),
  bestCommit: z.string().nullable(),
  /** The unbiased figure: the best commit scored once on the second hidden split at the end. */
  finalScore: z.number().nullable(),
  costUsd: z.number(),
  unknownCostCalls: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  llmCalls: z.number().int(),
  model: z.string(),
  /** The sandbox chosen; `local-unisolated` runs are shown as not isolated. */
  sandbox: SandboxChoice,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Events stored so far: the sequence number of the newest. */
  lastSeq: z.number().int(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const StageRow = z.object({
  stage: StageName,
  status: StageStatus,
  attempt: z.number().int(),
  step: z.number().int(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  message: z.string().nullable(),
});
export type StageRow = z.infer<typeof StageRow>;

export const RunSnapshot = z.object({
  run: RunSummary,
  stages: z.array(StageRow),
  experiments: z.array(Experiment),
  /**
   * Events after `sinceSeq`, at most `limit`, ascending; `nextSeq` pages on, null when there are no more now.
   * A `tail` read holds the newest of them instead, and its `nextSeq` is the `beforeSeq` of the next older page
   * (null when none is older).
   */
  events: z.array(RunEvent),
  nextSeq: z.number().int().nullable(),
});
export type RunSnapshot = z.infer<typeof RunSnapshot>;

/** What the runs list can be ordered by (runs.list `sort`); a run without the figure sorts last either way. */
export const RunSortKey = z.enum([
  'createdAt',
  'startedAt',
  'status',
  'task',
  'step',
  'bestScore',
  'costUsd',
  'durationMs',
]);
export type RunSortKey = z.infer<typeof RunSortKey>;

export const RunListQuery = z
  .object({
    status: RunStatus.optional(),
    /** Only runs that have not ended (pending, running, paused): the live cards. */
    active: z.boolean().optional(),
    /** Matches the name, task or dataset path (anywhere, any case) or the start of the id. */
    search: z.string().trim().max(200, 'search text is at most 200 characters').optional(),
    sort: RunSortKey.default('createdAt'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(500).default(50),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type RunListQuery = z.input<typeof RunListQuery>;

export const RunList = z.object({
  runs: z.array(RunSummary),
  /** Runs matching the query, all pages. */
  total: z.number().int(),
  /** Runs in the database whatever the query: tells "no runs yet" from "no run matches". */
  all: z.number().int(),
});
export type RunList = z.infer<typeof RunList>;

export const RunGetQuery = z
  .object({
    id: z.string().min(1),
    sinceSeq: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(5000).default(1000),
    /**
     * Read the newest `limit` events (after `sinceSeq`, before `beforeSeq`) instead of the oldest: a long run's
     * page shows its latest output first and pages older events in behind it.
     */
    tail: z.boolean().default(false),
    /** With `tail`: only events before this sequence number (the first one already read). */
    beforeSeq: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((q) => q.beforeSeq === undefined || q.tail, {
    message: 'beforeSeq pages a tail read: pass tail: true with it',
    path: ['beforeSeq'],
  });

export const RunId = z.object({ id: z.string().min(1) }).strict();

/** A command's full output log in the run folder (`<run folder>/logs/<name>.log`, rotated). */
export const RunLogInfo = z.object({
  name: z.string(),
  /** Bytes kept, the rotated older part included. */
  bytes: z.number().int().min(0),
  modifiedAt: z.string(),
});
export type RunLogInfo = z.infer<typeof RunLogInfo>;

export const RunLogList = z.object({ logs: z.array(RunLogInfo) });
export type RunLogList = z.infer<typeof RunLogList>;

export const LOG_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A page of a log: `offset` in bytes from its start (the rotated part first), or `tail` for its last lines.
 * Pages end on a line boundary unless a single line is longer than `maxBytes`.
 */
export const RunLogQuery = z
  .object({
    id: z.string().min(1),
    name: z
      .string()
      .regex(LOG_NAME_PATTERN, 'a log name is letters, digits, `-`, `_` and `.` (list them with runs.logs)'),
    offset: z.number().int().min(0).optional(),
    tail: z.number().int().min(1).max(100_000).optional(),
    maxBytes: z
      .number()
      .int()
      .min(1)
      .max(4 * 1024 * 1024)
      .default(256 * 1024),
  })
  .strict()
  .refine((q) => q.offset === undefined || q.tail === undefined, {
    message: 'give `offset` or `tail`, not both',
  });

export const RunLogPage = z.object({
  name: z.string(),
  text: z.string(),
  /** Where `text` starts and ends, in bytes; `nextOffset` is null at the end of what is written so far. */
  offset: z.number().int(),
  nextOffset: z.number().int().nullable(),
  size: z.number().int(),
  /** Bytes lost off the front to rotation (the log keeps at most two files of its cap). */
  rotated: z.boolean(),
});
export type RunLogPage = z.infer<typeof RunLogPage>;

/** The flags of `mle-beast run` (and the form's fields), as text or values: checked by engine/config. */
export const RunOverrides = z
  .object({
    dataset: z.string().optional(),
    workspace: z.string().optional(),
    sandbox: z.string().optional(),
    maxSteps: z.union([z.string(), z.number()]).optional(),
    maxCost: z.union([z.string(), z.number()]).optional(),
    forceCpu: z.boolean().optional(),
    network: z.string().optional(),
    /** The local sandbox's Python interpreter (`--python PATH`). */
    python: z.string().optional(),
  })
  .strict();
export type RunOverrides = z.infer<typeof RunOverrides>;

/**
 * A run from a project.yaml (`project`), or from a dataset folder and a one-sentence task (`folder` +
 * `task`, optionally a metric and target). Relative paths are taken from `cwd` (default: the engine's).
 */
export const RunStartInput = z
  .object({
    project: z.string().min(1).optional(),
    folder: z.string().min(1).optional(),
    task: z.string().min(1).optional(),
    metric: z
      .object({
        name: z.string(),
        target_value: z.number().optional(),
        comparison: z.string().optional(),
      })
      .optional(),
    /** The New run form's fields (engine/api/project-form.ts), checked as a project.yaml would be. */
    form: ProjectForm.optional(),
    overrides: RunOverrides.default({}),
    cwd: z.string().optional(),
  })
  .strict()
  .refine((v) => (v.form ? !v.project && !v.folder : v.project ? !v.folder : !!v.folder && !!v.task), {
    message: 'give either `project` (a project.yaml), `form` (the New run form) or both `folder` and `task`',
  });
export type RunStartInput = z.infer<typeof RunStartInput>;
