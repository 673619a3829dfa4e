import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../api/errors';
import type { RunDocument, RunSafety } from '../api/run-details';
import type { Experiment, RunSummary, StageRow } from '../api/runs';
import { ProjectConfig } from '../config/project-schema';
import type { RunRepository, UsageTotals } from '../store/run-repository';
import type { RunDetails } from '../runs/run-details';
import { PRODUCT } from '../version';
import { runGit } from '../workspace/git';

/**
 * Everything a report shows, read from the store and the workspace in one go: the page is then a pure function
 * of this (html.ts), so tests and the benchmark can render one from made-up data.
 */

/** A kept change's diff as the report shows it (cut: a report of a long run stays a few megabytes at most). */
export interface ReportDiff {
  text: string;
  truncated: boolean;
  note: string | null;
}

export interface ReportData {
  run: RunSummary;
  /** The run's configuration as stored; null when this version cannot read it. */
  config: ProjectConfig | null;
  stages: StageRow[];
  experiments: Experiment[];
  /** Diffs of the kept experiments (and the baseline), by step. */
  diffs: Map<number, ReportDiff>;
  documents: RunDocument[];
  safety: RunSafety;
  usage: UsageTotals[];
  generatedAt: Date;
  version: string;
}

/** A kept change's diff beyond this is cut in the report (the workspace's git has it all). */
export const REPORT_DIFF_CAP = 48 * 1024;
/** All diffs of a report together stay under this; later ones then say where to find them. */
export const REPORT_DIFFS_TOTAL_CAP = 1024 * 1024;

export async function gatherReportData(
  repo: RunRepository,
  details: RunDetails,
  id: string,
  now: Date = new Date(),
): Promise<ReportData> {
  const record = repo.get(id);
  if (!record) throw new EngineError('not_found', `no run ${id}: list runs with \`mle-beast runs\``);
  const experiments = repo.experiments(id);
  const config = ProjectConfig.safeParse(record.config);
  const diffs = await keptDiffs(record.summary.workspace, experiments, id, details);
  return {
    run: record.summary,
    config: config.success ? config.data : null,
    stages: repo.stages(id),
    experiments,
    diffs,
    documents: details.documents(id).documents,
    safety: details.safety(id),
    usage: repo.usageByStageAndModel(id),
    generatedAt: now,
    version: PRODUCT.version,
  };
}

const keptOrBaseline = (e: Experiment) => e.outcome === 'kept' || e.outcome === 'baseline';

/**
 * The diffs of the kept changes (and the baseline), each against its parent experiment's commit, cut to the
 * report's caps. A long run has a hundred kept steps: one `git diff-tree --stdin` reads them all in a single
 * process (the Run detail view's per-step reading spawns several git commands per step, which for a whole
 * report took seconds). When that cannot be used (no repository, a commit gone), each step is read the way the
 * Run detail view reads it, with its own note.
 */
async function keptDiffs(
  workspace: string,
  experiments: readonly Experiment[],
  id: string,
  details: RunDetails,
): Promise<Map<number, ReportDiff>> {
  const wanted = experiments.filter(keptOrBaseline);
  const texts = await batchDiffs(workspace, wanted, experiments);
  const diffs = new Map<number, ReportDiff>();
  let budget = REPORT_DIFFS_TOTAL_CAP;
  for (const e of wanted) {
    if (budget <= 0) {
      diffs.set(e.step, {
        text: '',
        truncated: true,
        note: `Left out to keep the report small; the dashboard's experiment view, or \`git show ${e.commitSha?.slice(0, 12) ?? ''}\` in the workspace, has it.`,
      });
      continue;
    }
    let full: string;
    let note: string | null = null;
    let cut = false;
    const batched = texts?.get(e.step);
    if (batched !== undefined) {
      full = batched;
      if (!full) note = 'The commit changed no files.';
    } else {
      try {
        const detail = await details.experiment({ id, step: e.step });
        full = detail.diff?.text ?? '';
        note = detail.diffNote;
        cut = detail.diff?.truncated ?? false;
      } catch (error) {
        diffs.set(e.step, { text: '', truncated: false, note: `No diff: ${(error as Error).message}` });
        continue;
      }
    }
    const cap = Math.min(REPORT_DIFF_CAP, budget);
    const text = full.length > cap ? full.slice(0, cap) : full;
    budget -= text.length;
    diffs.set(e.step, { text, truncated: cut || full.length > cap, note });
  }
  return diffs;
}

/** Step -> its diff text, from one `git diff-tree --stdin`; null when that could not be used. */
async function batchDiffs(
  workspace: string,
  wanted: readonly Experiment[],
  all: readonly Experiment[],
): Promise<Map<number, string> | null> {
  if (wanted.length === 0 || !fs.existsSync(path.join(workspace, '.git'))) return null;
  const shaOf = new Map(all.map((e) => [e.step, e.commitSha]));
  const lines: string[] = [];
  const order: { step: number; sha: string }[] = [];
  for (const e of wanted) {
    if (!e.commitSha || !/^[0-9a-f]{40,64}$/.test(e.commitSha)) return null;
    const parent = e.parentStep === null ? null : (shaOf.get(e.parentStep) ?? null);
    // "<commit> <parent>" diffs parent..commit; a commit alone diffs it against its own parent (--root: the first).
    lines.push(parent && /^[0-9a-f]{40,64}$/.test(parent) ? `${e.commitSha} ${parent}` : e.commitSha);
    order.push({ step: e.step, sha: e.commitSha });
  }
  try {
    const { stdout } = await runGit(
      workspace,
      ['diff-tree', '--stdin', '-p', '-r', '--root', '--always', '--no-color', '--no-ext-diff'],
      { input: `${lines.join('\n')}\n`, timeoutMs: 60_000 },
    );
    // Each diff follows a line holding its commit's id alone (a diff's own lines never are a bare id).
    const parts = stdout.split(/^([0-9a-f]{40,64})\n/m);
    const found: { sha: string; text: string }[] = [];
    for (let i = 1; i < parts.length; i += 2) found.push({ sha: parts[i]!, text: parts[i + 1] ?? '' });
    if (found.length !== order.length || found.some((f, i) => f.sha !== order[i]!.sha)) return null;
    return new Map(order.map((o, i) => [o.step, found[i]!.text]));
  } catch {
    return null;
  }
}
