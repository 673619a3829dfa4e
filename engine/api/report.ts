import { z } from 'zod';

/**
 * The run report (issue 11 section 1): one self-contained HTML file of a run, written by the engine into the
 * run's workspace (`reports/report_<UTC timestamp>.html`) when the run ends and on demand. `runs.report` writes
 * it to a file (the CLI, the desktop app's "Show report" and "Export"); `runs.reportHtml` returns the page's
 * text for a host that cannot reach the engine's files (the browser host's download).
 */

/** The folder of the workspace reports are written to (kept out of git through `.git/info/exclude`). */
export const REPORTS_FOLDER = 'reports';

/**
 * Workspace folders that only the engine may read, named from the workspace's root. The reports hold the
 * final-holdout score of every earlier run: an agent that read them on a later run of the same workspace could
 * tune to the hidden holdout across runs. One list for every way the agent reaches the workspace: each sandbox
 * masks these folders (Docker, bubblewrap, Seatbelt), the agent's file tools refuse them, listings and prompts
 * leave them out, and a commit never takes them.
 */
export const ENGINE_ONLY_FOLDERS: readonly string[] = [REPORTS_FOLDER];

/**
 * The engine-only folder a workspace-relative path ('/'-separated, '' for the root) is or lies in, else null.
 * `anyCase` for a check that must also hold on a case-insensitive disk (macOS's default), where `Reports/x`
 * opens the engine's file.
 */
export function engineOnlyFolderOf(rel: string, options: { anyCase: boolean }): string | null {
  const first = rel.split('/').find((part) => part !== '' && part !== '.') ?? '';
  const same = (folder: string) =>
    options.anyCase ? folder.toLowerCase() === first.toLowerCase() : folder === first;
  return ENGINE_ONLY_FOLDERS.find(same) ?? null;
}

/** `report_20261207T231500Z.html`: sortable, one per second, no characters a file system refuses. */
export function reportFileName(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `report_${stamp}.html`;
}

export const ReportQuery = z
  .object({
    id: z.string().min(1),
    /**
     * Where to write it (an absolute path, or relative to the engine's working folder); absent: the run
     * workspace's reports folder. Any existing file there is replaced.
     */
    out: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type ReportQuery = z.infer<typeof ReportQuery>;

export const ReportWritten = z.object({
  /** The absolute path of the file written. */
  path: z.string(),
  bytes: z.number().int().min(0),
});
export type ReportWritten = z.infer<typeof ReportWritten>;

export const ReportHtml = z.object({
  html: z.string(),
  /** The name the file would have in the workspace's reports folder (a download's default name). */
  fileName: z.string(),
});
export type ReportHtml = z.infer<typeof ReportHtml>;
