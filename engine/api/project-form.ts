import { z } from 'zod';
import { DatasetIssue, DatasetSummary } from './dataset-summary';
import { Settings } from './settings';

/**
 * The New run form in the contract: its fields as the user typed them, the intake preview of a dataset path,
 * the state of a workspace folder, the engine's verdict on a form (per field), and project.yaml import/export. The engine's config layer turns a form into the same
 * project.yaml data `mle-beast run project.yaml` reads, so every check is the engine's own.
 */

/** The fields of the form, by the names the UI shows errors against. */
export const FORM_FIELDS = [
  'name',
  'dataset',
  'testPath',
  'labelColumn',
  'task',
  'metric',
  'direction',
  'target',
  'mode',
  'workspace',
  'sandbox',
  'network',
  'forceCpu',
  'maxSteps',
  'maxCostUsd',
  'maxWallMinutes',
  'maxConsecutiveFailures',
  'actorModel',
  'criticModel',
] as const;
export const FormField = z.enum(FORM_FIELDS);
export type FormField = z.infer<typeof FormField>;

/**
 * Text fields hold what was typed ('' = not given, the default applies); numbers too, so "ten" is reported
 * against its field by the engine instead of being lost in the browser's number input.
 */
export const ProjectForm = z
  .object({
    name: z.string().default(''),
    /** The dataset: a folder, or one CSV / JSONL file. */
    dataset: z.string().default(''),
    testPath: z.string().default(''),
    /** Tabular: the label column ('' = inferred at intake). */
    labelColumn: z.string().default(''),
    task: z.string().default(''),
    /** '' = the dataset task's default metric (accuracy / rmse). */
    metric: z.string().default(''),
    /** `auto`: the metric's usual direction; the other two override it when they differ. */
    direction: z.enum(['auto', 'higher', 'lower']).default('auto'),
    target: z.string().default(''),
    mode: z.enum(['greenfield', 'brownfield']).default('greenfield'),
    /** '' = a fresh folder the engine creates (greenfield only). */
    workspace: z.string().default(''),
    /** Null: the app's settings decide. */
    sandbox: Settings.shape.defaultSandbox.nullable().default(null),
    network: Settings.shape.defaultNetwork.nullable().default(null),
    forceCpu: z.boolean().nullable().default(null),
    maxSteps: z.string().default(''),
    maxCostUsd: z.string().default(''),
    maxWallMinutes: z.string().default(''),
    maxConsecutiveFailures: z.string().default(''),
    /** '' = the provider's model (settings, MLE_BEAST_MODEL or the provider default). */
    actorModel: z.string().default(''),
    criticModel: z.string().default(''),
  })
  .strict();
export type ProjectForm = z.output<typeof ProjectForm>;
export type ProjectFormInput = z.input<typeof ProjectForm>;

/** One problem, placed on a form field ('form': the form as a whole). */
export const FormIssue = z.object({
  field: z.union([FormField, z.literal('form')]),
  message: z.string(),
});
export type FormIssue = z.infer<typeof FormIssue>;

export const ProjectValidateInput = z.object({ form: ProjectForm, cwd: z.string().optional() }).strict();
export const ProjectValidateResult = z.object({
  ok: z.boolean(),
  issues: z.array(FormIssue),
  /** Things to read that do not stop a run (a kind without trusted scoring, an ignored field...). */
  warnings: z.array(z.string()),
});
export type ProjectValidateResult = z.infer<typeof ProjectValidateResult>;

export const ProjectImportInput = z
  .object({
    yaml: z.string().max(1024 * 1024),
    /** Where the file's relative paths are taken from (the folder it came from, when known). */
    cwd: z.string().optional(),
  })
  .strict();
export const ProjectImportResult = z.object({
  /** Null: the text is not a project.yaml the form can show (see `issues`). */
  form: ProjectForm.nullable(),
  issues: z.array(FormIssue),
});
export type ProjectImportResult = z.infer<typeof ProjectImportResult>;

export const ProjectExportResult = z.object({ yaml: z.string() });

/** Why a dataset path cannot be previewed, with the fix. */
export const DatasetProblemCode = z.enum([
  'empty',
  'not_found',
  'not_a_folder',
  'unreadable',
  'unknown_kind',
]);
export const DatasetInspectInput = z
  .object({
    path: z.string(),
    /** As in the form: the preview reads the data the way a run would. */
    testPath: z.string().optional(),
    labelColumn: z.string().optional(),
    cwd: z.string().optional(),
  })
  .strict();
export const DatasetPreview = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** The absolute path read. */
    path: z.string(),
    kind: z.enum(['tabular', 'image_folder', 'text_jsonl', 'other']),
    kindReason: z.string(),
    /** Null for `other` (nothing the engine can score) or when the data has errors (see `problems`). */
    summary: DatasetSummary.nullable(),
    /** Everything intake found wrong (errors stop a run) or worth knowing (warnings). */
    problems: z.array(DatasetIssue),
    /** Set when big files were previewed from their head: counts are of the part read. */
    sample: z
      .object({ bytesRead: z.number().int().nonnegative(), totalBytes: z.number().int().nonnegative() })
      .nullable(),
  }),
  z.object({
    ok: z.literal(false),
    path: z.string(),
    code: DatasetProblemCode,
    message: z.string(),
    fix: z.string(),
  }),
]);
export type DatasetPreview = z.infer<typeof DatasetPreview>;

export const WorkspaceInspectInput = z.object({ path: z.string(), cwd: z.string().optional() }).strict();
export const WorkspaceState = z.object({
  /** The absolute path; '' when none was given (a fresh folder is created). */
  path: z.string(),
  exists: z.boolean(),
  isFolder: z.boolean(),
  empty: z.boolean(),
  git: z
    .object({
      /** Null: detached HEAD or no commit yet. */
      branch: z.string().nullable(),
      /** Files with uncommitted changes (untracked included). */
      dirtyFiles: z.number().int().nonnegative(),
      head: z.string().nullable(),
    })
    .nullable(),
  /** What each mode would do here, or why it cannot. */
  greenfield: z.object({ possible: z.boolean(), text: z.string() }),
  brownfield: z.object({ possible: z.boolean(), text: z.string() }),
});
export type WorkspaceState = z.infer<typeof WorkspaceState>;
