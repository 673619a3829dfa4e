import { z } from 'zod';
import type { ToolSpec } from '../llm/tools';

// The argument schemas of the agent's tools, with the original tool set's names and defaults (inventory 3.1).
// Timeouts are seconds. Lenient where it costs nothing (numbers and booleans given as strings, unknown keys
// dropped); the tool names themselves are strict (validateToolCall refuses a name not in the role's set).

/** A timeout in seconds; a numeric string is accepted. */
const seconds = (fallback: number) =>
  z.coerce
    .number()
    .positive()
    .max(7 * 24 * 3600)
    .default(fallback);
/** A boolean; "true"/"false" (and yes/no, 1/0) strings are accepted. */
const flag = (fallback: boolean) => z.union([z.boolean(), z.stringbool()]).default(fallback);
const text = (description: string) => z.string().describe(description);

export const TOOL_DEFAULT_TIMEOUTS = {
  run_shell_command: 30,
  run_python_file: 30,
  run_tests: 60,
  launch_training: 1800,
  launch_evaluate: 300,
} as const;

export const writeFileArgs = z.object({
  file_path: text('Path of the file, relative to the workspace root.'),
  content: z.string().describe('The whole new content of the file.'),
  description: z.string().default('').describe('Optional: what the file is for.'),
});

export const readFileArgs = z.object({
  file_path: text('Path relative to the workspace root, or a path under the data folder.'),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Optional: the character to start at, to read on past a truncated read.'),
});

export const editFileArgs = z.object({
  file_path: text('Path of the file, relative to the workspace root.'),
  old_text: z.string().min(1).describe('Exact text to find (every occurrence is replaced).'),
  new_text: z.string().describe('The replacement text.'),
});

export const listFilesArgs = z.object({
  directory: z
    .string()
    .default('')
    .describe('Folder to list, relative to the workspace root ("" = the root), or the data folder.'),
  pattern: z
    .string()
    .default('*')
    .describe('Glob pattern for names, e.g. "*.py"; "**/*.py" searches sub-folders too.'),
});

export const createDirectoryArgs = z.object({
  dir_path: text('Folder to create (with its parents), relative to the workspace root.'),
});

export const runShellCommandArgs = z.object({
  command: z.string().min(1).describe('A bash command line, run in the workspace root.'),
  timeout: seconds(TOOL_DEFAULT_TIMEOUTS.run_shell_command).describe('Time limit in seconds.'),
});

export const runPythonFileArgs = z.object({
  file_path: text('Python file, relative to the workspace root.'),
  args: z.string().default('').describe('Command-line arguments, shell-quoted as on a command line.'),
  timeout: seconds(TOOL_DEFAULT_TIMEOUTS.run_python_file).describe('Time limit in seconds.'),
});

export const runTestsArgs = z.object({
  test_file: z
    .string()
    .default('')
    .describe('A test file relative to the workspace root ("" = the whole tests/ folder).'),
  verbose: flag(true).describe('Verbose pytest output (default true).'),
  timeout: seconds(TOOL_DEFAULT_TIMEOUTS.run_tests).describe('Time limit in seconds.'),
});

export const launchTrainingArgs = z.object({
  script_path: z.string().default('train.py').describe('Training script, relative to the workspace root.'),
  args: z
    .string()
    .default('')
    .describe('Command-line arguments, shell-quoted, e.g. "--epochs 5 --device cpu".'),
  log_file: z
    .string()
    .default('logs/training.log')
    .describe('Where the full output is written, relative to the workspace root.'),
  timeout: seconds(TOOL_DEFAULT_TIMEOUTS.launch_training).describe('Time limit in seconds.'),
});

export const launchEvaluateArgs = z.object({
  script_path: z
    .string()
    .default('evaluate.py')
    .describe('Evaluation script, relative to the workspace root.'),
  args: z.string().default('').describe('Command-line arguments, shell-quoted.'),
  log_file: z
    .string()
    .default('logs/eval.log')
    .describe('Where the full output is written, relative to the workspace root.'),
  timeout: seconds(TOOL_DEFAULT_TIMEOUTS.launch_evaluate).describe('Time limit in seconds.'),
});

export const downloadUrlArgs = z.object({
  url: z.string().min(1).describe('An http:// or https:// URL.'),
  dest_path: text('Where to save it, relative to the workspace root.'),
});

export const markCompleteArgs = z.object({
  summary: z.string().describe('What was done, and anything the next stage should know.'),
});

export type WriteFileArgs = z.output<typeof writeFileArgs>;
export type ReadFileArgs = z.output<typeof readFileArgs>;
export type EditFileArgs = z.output<typeof editFileArgs>;
export type ListFilesArgs = z.output<typeof listFilesArgs>;
export type CreateDirectoryArgs = z.output<typeof createDirectoryArgs>;
export type RunShellCommandArgs = z.output<typeof runShellCommandArgs>;
export type RunPythonFileArgs = z.output<typeof runPythonFileArgs>;
export type RunTestsArgs = z.output<typeof runTestsArgs>;
export type LaunchTrainingArgs = z.output<typeof launchTrainingArgs>;
export type LaunchEvaluateArgs = z.output<typeof launchEvaluateArgs>;
export type DownloadUrlArgs = z.output<typeof downloadUrlArgs>;
export type MarkCompleteArgs = z.output<typeof markCompleteArgs>;

const PATHS =
  'Paths are relative to the workspace root (absolute sandbox paths such as /workspace/... also work).';

/** Every tool: name → description and argument schema. Roles pick from this (roles.ts). */
export const TOOL_SPECS = {
  write_file: {
    description: `Create or overwrite a text file in the workspace with the given content. ${PATHS} Parent folders are created.`,
    args: writeFileArgs,
  },
  read_file: {
    description:
      `Read a text file (up to 5000 characters per call; use offset to read on). ${PATHS} ` +
      'The visible dataset is readable at the sandbox data path (/data in Docker).',
    args: readFileArgs,
  },
  edit_file: {
    description: `Replace every occurrence of an exact piece of text in a workspace file. ${PATHS}`,
    args: editFileArgs,
  },
  list_files: {
    description:
      `List files and folders matching a glob pattern, with sizes. ${PATHS} ` +
      'The visible dataset can be listed at the sandbox data path.',
    args: listFilesArgs,
  },
  create_directory: {
    description: `Create a folder (and its parents) in the workspace. ${PATHS}`,
    args: createDirectoryArgs,
  },
  run_shell_command: {
    description:
      'Run a bash command in the sandbox, in the workspace root, and return its output and exit code. ' +
      'Commands are screened by a safety policy; the dataset is read-only at the sandbox data path.',
    args: runShellCommandArgs,
  },
  run_python_file: {
    description:
      'Run a Python file from the workspace with python3 in the sandbox (working directory: the workspace root, ' +
      'which is on PYTHONPATH) and return its output and exit code.',
    args: runPythonFileArgs,
  },
  run_tests: {
    description: 'Run pytest on tests/ (or one test file) in the sandbox and return the summary and output.',
    args: runTestsArgs,
  },
  launch_training: {
    description:
      'Run the training script in the sandbox (python3 -u), streaming its output to the log file; returns ' +
      'the status, the log path and the last lines of output.',
    args: launchTrainingArgs,
  },
  launch_evaluate: {
    description:
      'Run the evaluation script in the sandbox, streaming its output to the log file; returns the status, ' +
      'the log path and the last lines of output.',
    args: launchEvaluateArgs,
  },
  download_url: {
    description: 'Download an http(s) URL into a workspace file (60 s limit, 1 GiB at most).',
    args: downloadUrlArgs,
  },
  mark_complete: {
    description: 'Declare the task done, with a summary of what was done. Ends this stage.',
    args: markCompleteArgs,
  },
} as const satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof TOOL_SPECS;
export const TOOL_NAMES = Object.keys(TOOL_SPECS) as ToolName[];
