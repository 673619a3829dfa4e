import { z } from 'zod';
import { DEFAULT_SETTINGS, Settings } from '../api/settings';
import { DatasetKind, Direction, NetworkMode, RunMode, SandboxChoice, TaskType } from '../api/vocabulary';

/**
 * Two schemas, each the single source of its shape:
 * - `ProjectYaml`: what a project.yaml may contain, as written (snake_case, relative paths, optional fields).
 *   It keeps the original tool's schema (version, project, goals, dataset, workspace) and adds mode, limits,
 *   sandbox and models. Every object is strict: an unknown key is an error, never silently ignored.
 * - `ProjectConfig`: what the engine uses, resolved (absolute paths, mode derived, metric direction fixed,
 *   defaults filled in). It is plain data, so it can cross engine/api boundaries as is.
 * engine/config/README.md documents every field; keep the two in step.
 */

const text = (what: string) => z.string().refine((s) => s.trim().length > 0, { message: `${what} is empty` });

/** Spellings of `comparison`: operators as in the original tool, or words. */
export const COMPARISON_WORDS = {
  '>=': 'higher',
  '<=': 'lower',
  higher: 'higher',
  lower: 'lower',
  higher_is_better: 'higher',
  lower_is_better: 'lower',
  maximize: 'higher',
  minimize: 'lower',
  max: 'higher',
  min: 'lower',
} as const satisfies Record<string, Direction>;
export type ComparisonWord = keyof typeof COMPARISON_WORDS;
const Comparison = z.enum(Object.keys(COMPARISON_WORDS) as [ComparisonWord, ...ComparisonWord[]]);

/** `image_classification` and `text_classification` are the original tool's names, accepted for its users. */
export const DATASET_TYPE_ALIASES = {
  image_classification: 'image_folder',
  text_classification: 'text_jsonl',
} as const satisfies Record<string, DatasetKind>;

/** A dataset kind as the engine knows it: `other` has no trusted scoring (the agent's own figure is shown). */
export const ConfigDatasetKind = z.enum([...DatasetKind.options, 'other']);
export type ConfigDatasetKind = z.infer<typeof ConfigDatasetKind>;

const DatasetType = z.enum([
  ...ConfigDatasetKind.options,
  ...(Object.keys(DATASET_TYPE_ALIASES) as Array<keyof typeof DATASET_TYPE_ALIASES>),
]);

/** The run's mode: the shared word (engine/api/vocabulary), under the name project.yaml's code uses. */
export const Mode = RunMode;
export type Mode = RunMode;

export const ProjectYaml = z.strictObject({
  version: z.union([z.string(), z.number()]).optional(),
  project: z
    .strictObject({
      name: z.string().optional(),
      description: z.string().optional(),
    })
    .optional(),
  /** greenfield | brownfield (`existing`, the original's word, is read as brownfield). */
  mode: z.enum([...Mode.options, 'existing']).optional(),
  goals: z.strictObject({
    /** The original's field, read for the mode: new_architecture = greenfield, improve_existing = brownfield. */
    task_type: z.enum(['new_architecture', 'improve_existing']).optional(),
    task_description: text('the task description'),
    target_metric: z
      .strictObject({
        name: text('the metric name'),
        target_value: z.number().optional(),
        comparison: Comparison.optional(),
        /** Set to true to use a comparison against the metric's usual direction. */
        override_direction: z.boolean().optional(),
      })
      .optional(),
  }),
  dataset: z
    .strictObject({
      type: DatasetType.optional(),
      train_path: text('the path'),
      test_path: text('the path').optional(),
      /** Tabular: the label column (inferred at intake when absent). */
      target: text('the label column').optional(),
    })
    .optional(),
  workspace: z
    .strictObject({
      /** The folder the agent works in. Brownfield: the repository to improve. */
      path: text('the path').optional(),
      existing_code: z.boolean().optional(),
      environment: z
        .strictObject({
          type: z.enum(['venv', 'conda']),
          path: text('the path'),
        })
        .optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      max_steps: Settings.shape.defaultMaxSteps.optional(),
      max_consecutive_failures: Settings.shape.defaultMaxConsecutiveFailures.optional(),
      max_cost_usd: z.number().positive().nullable().optional(),
      max_wall_minutes: z.number().positive().nullable().optional(),
    })
    .optional(),
  sandbox: z
    .strictObject({
      kind: SandboxChoice.optional(),
      image: text('the image name').optional(),
      network: NetworkMode.optional(),
      force_cpu: z.boolean().optional(),
      /** Local sandbox: the Python interpreter to use (default: the first python3 with the needed packages). */
      python: text('the path').optional(),
    })
    .optional(),
  models: z
    .strictObject({
      actor: text('the model name').optional(),
      critic: text('the model name').optional(),
    })
    .optional(),
});
export type ProjectYaml = z.infer<typeof ProjectYaml>;

/**
 * Built-in defaults, used where neither project.yaml, a flag nor the app's settings say otherwise: the
 * settings' own defaults (30 steps, 10 failures in a row, no cost or wall-clock cap), declared once there.
 */
export const DEFAULT_LIMITS = {
  maxSteps: DEFAULT_SETTINGS.defaultMaxSteps,
  maxConsecutiveFailures: DEFAULT_SETTINGS.defaultMaxConsecutiveFailures,
  maxCostUsd: DEFAULT_SETTINGS.defaultMaxCostUsd,
  maxWallMinutes: DEFAULT_SETTINGS.defaultMaxWallMinutes,
} as const;

export const ProjectConfig = z.object({
  /** Absolute path of the project.yaml read; null for a config built from a dataset folder. */
  file: z.string().nullable(),
  /** The folder relative paths were resolved against (the YAML's folder, or the working folder). */
  baseDir: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  mode: Mode,
  task: z.string(),
  /** Null: none given; the run uses defaultMetricFor(task) (accuracy / rmse) once intake knows the task. */
  metric: z
    .object({
      /** As written (`accuracy`, `F1`, `auc`): engine/scoring's resolveMetric makes it precise per dataset. */
      name: z.string(),
      /** The task the metric belongs to; the dataset's task must agree. */
      task: TaskType,
      direction: Direction,
      /** `override`: the comparison goes against the metric's usual direction, on purpose. */
      directionSource: z.enum(['metric', 'override']),
      /** Null: no target; the run stops on its limits. */
      target: z.number().nullable(),
    })
    .nullable(),
  /** Null: no dataset given (the agent finds its own data; nothing is scored by the engine). */
  dataset: z
    .object({
      kind: ConfigDatasetKind,
      /** `inferred`: read from the files, with the reason in `kindReason`. */
      kindSource: z.enum(['declared', 'inferred']),
      kindReason: z.string(),
      trainPath: z.string(),
      testPath: z.string().nullable(),
      /** Tabular label column; null = inferred at intake. */
      target: z.string().nullable(),
      /** False for `other`: the agent's own figure is used and shown as self-reported. */
      trustedScoring: z.boolean(),
    })
    .nullable(),
  workspace: z.object({
    /** Null: the engine creates a fresh folder for the run. */
    path: z.string().nullable(),
    existingCode: z.boolean(),
    /** A Python environment of the user's (local sandbox). */
    environment: z
      .object({ type: z.enum(['venv', 'conda']), path: z.string(), python: z.string() })
      .nullable(),
  }),
  limits: z.object({
    maxSteps: Settings.shape.defaultMaxSteps,
    maxConsecutiveFailures: Settings.shape.defaultMaxConsecutiveFailures,
    maxCostUsd: z.number().positive().nullable(),
    maxWallMinutes: z.number().positive().nullable(),
  }),
  sandbox: z.object({
    kind: SandboxChoice,
    /** Docker only; null = the product's sandbox image. */
    image: z.string().nullable(),
    network: NetworkMode,
    forceCpu: z.boolean(),
    /** Local sandbox: the Python interpreter named (absolute); null = chosen at start. */
    python: z.string().nullable().default(null),
  }),
  /** Null: the model the provider resolution picked (MLE_BEAST_MODEL, settings or the provider's default). */
  models: z.object({ actor: z.string().nullable(), critic: z.string().nullable() }),
});
export type ProjectConfig = z.infer<typeof ProjectConfig>;
