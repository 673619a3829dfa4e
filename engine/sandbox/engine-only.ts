import fs from 'node:fs';
import path from 'node:path';
import { REPORTS_FOLDER, isEngineReportFile } from '../api/report';

/**
 * The engine's run report files in a workspace now (earlier runs' reports, each with its final-holdout score),
 * as workspace-relative paths (`reports/report_<stamp>.html`), that a sandbox must cover one by one. Only these
 * files: the rest of `reports/` (a brownfield repository's `reports/figures/`, the user's notes) stays the
 * agent's to read and write.
 *
 * Only real regular files count. A link in their place holds no report (the engine never writes through one,
 * report/write.ts opens with O_NOFOLLOW), and Docker would mount over whatever the link points to; a `reports`
 * that is itself a link is not looked into for the same reason. Nothing is created: Docker makes a missing
 * mount point as root inside the user's folder, so only files that exist are covered. Names are matched in any
 * case (on a case-insensitive disk `REPORT_….HTML` is the file the engine would write).
 */
export function engineReportFiles(workspaceDir: string): string[] {
  const dir = path.join(workspaceDir, REPORTS_FOLDER);
  if (!fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && isEngineReportFile(`${REPORTS_FOLDER}/${e.name}`, { anyCase: true }))
    .map((e) => `${REPORTS_FOLDER}/${e.name}`)
    .sort();
}
