import fs from 'node:fs';
import path from 'node:path';
import type { Experiment } from '../api/runs';
import { formatScore } from '../workspace';

/**
 * research_log.md in the workspace: the run's journal, one section per experiment, kept across reverts (the
 * workspace module preserves it) and committed with the next kept step or at the end of the run.
 */
export const RESEARCH_LOG = 'research_log.md';

const OUTCOME_WORDS: Record<Experiment['outcome'], string> = {
  baseline: 'BASELINE',
  kept: 'IMPROVED, kept',
  reverted: 'NO IMPROVEMENT, reverted',
  abandoned: 'ABANDONED, reverted',
  failed: 'FAILED, reverted',
};

export function researchLogEntry(e: Experiment, metricName: string, best: number | null): string {
  const title = e.step === 0 ? '## Baseline' : `## Experiment ${e.step}${e.tag ? ` [${e.tag}]` : ''}`;
  const lines = [
    title,
    '',
    `- Hypothesis: ${e.hypothesis}`,
    `- Result: ${metricName} ${formatScore(e.score)} (${OUTCOME_WORDS[e.outcome]}; best ${formatScore(best)})`,
  ];
  if (e.selfReportedScore !== null)
    lines.push(`- Self-reported (eval_results.json): ${formatScore(e.selfReportedScore)}`);
  if (e.note) lines.push(`- Note: ${e.note.replace(/\s+/g, ' ').slice(0, 500)}`);
  if (e.commitSha) lines.push(`- Commit: ${e.commitSha.slice(0, 12)}`);
  if (e.step > 0 && e.proposal.trim()) {
    lines.push(
      '',
      '<details><summary>Proposal</summary>',
      '',
      e.proposal.trim().slice(0, 4000),
      '',
      '</details>',
    );
  }
  return `${lines.join('\n')}\n\n`;
}

/** Appends an entry, creating the file with its heading; never follows a symbolic link. */
export function appendResearchLog(workspaceDir: string, entry: string): void {
  const file = path.join(workspaceDir, RESEARCH_LOG);
  const stat = fs.lstatSync(file, { throwIfNoEntry: false }) ?? null;
  if (stat && !stat.isFile()) fs.rmSync(file, { force: true, recursive: true });
  const prefix = stat?.isFile() ? '' : '# Research Log\n\n';
  const fd = fs.openSync(
    file,
    fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW,
    0o644,
  );
  try {
    fs.writeSync(fd, prefix + entry);
  } finally {
    fs.closeSync(fd);
  }
}
