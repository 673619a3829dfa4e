import { z } from 'zod';

/**
 * The run report (issue 11 section 1): one self-contained HTML file of a run, written by the engine into the
 * run's workspace (`reports/report_<UTC timestamp>.html`) when the run ends and on demand. `runs.report` writes
 * it to a file (the CLI, the desktop app's "Show report" and "Export"); `runs.reportHtml` returns the page's
 * text for a host that cannot reach the engine's files (the browser host's download).
 */

/**
 * The folder of the workspace reports are written to. Only the engine's report files in it are kept out of git
 * (`.git/info/exclude`) and hidden from the agent (isEngineReportFile); the folder itself may be the user's.
 */
export const REPORTS_FOLDER = 'reports';

/** The kinds of report file the engine writes into the workspace's reports folder (`--pdf` prints one beside). */
export const REPORT_FILE_EXTENSIONS = ['html', 'pdf'] as const;

/**
 * The name of a report file the engine writes (reportFileName, or its PDF beside it): `report_<UTC stamp>.html`
 * or `.pdf`. Only these names are the engine's: a user's own `reports/` (the cookiecutter-data-science layout's
 * `reports/figures/`, notes, their own HTML) stays theirs.
 */
const REPORT_FILE_NAME = new RegExp(`^report_[0-9]{8}T[0-9]{6}Z\\.(${REPORT_FILE_EXTENSIONS.join('|')})$`);
const REPORT_FILE_NAME_ANY_CASE = new RegExp(REPORT_FILE_NAME.source, 'i');

/**
 * Whether a workspace-relative path ('/'-separated; '' and '.' parts ignored) is one of the engine's run report
 * files: `reports/report_<stamp>.html|pdf`, directly in the workspace's reports folder. They hold the
 * final-holdout score of every earlier run: an agent that read them on a later run of the same workspace could
 * tune to the hidden holdout across runs. One definition for every way the agent reaches the workspace: each
 * sandbox covers these files (Docker, bubblewrap, Seatbelt), the agent's file tools refuse them, listings and
 * prompts leave them out, and a commit never takes them. The rest of `reports/` is the agent's as any folder.
 * `anyCase` for a check that must also hold on a case-insensitive disk (macOS's default), where
 * `Reports/REPORT_….HTML` opens the engine's file.
 */
export function isEngineReportFile(rel: string, options: { anyCase: boolean }): boolean {
  const parts = rel.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length !== 2) return false;
  const [folder, name] = parts as [string, string];
  return options.anyCase
    ? folder.toLowerCase() === REPORTS_FOLDER && REPORT_FILE_NAME_ANY_CASE.test(name)
    : folder === REPORTS_FOLDER && REPORT_FILE_NAME.test(name);
}

/**
 * Git ignore patterns (`.git/info/exclude`) for exactly the engine's report files: written reports leave the
 * run's git state as it was, and a user's own files in `reports/` are still committed.
 */
export const REPORT_EXCLUDE_PATTERNS: readonly string[] = REPORT_FILE_EXTENSIONS.map(
  (ext) => `/${REPORTS_FOLDER}/report_${'[0-9]'.repeat(8)}T${'[0-9]'.repeat(6)}Z.${ext}`,
);

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
