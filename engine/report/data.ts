import { EngineError } from '../api/errors';
import type { RunDocument, RunSafety } from '../api/run-details';
import type { Experiment, RunSummary, StageRow } from '../api/runs';
import { ProjectConfig } from '../config/project-schema';
import type { RunRepository, UsageTotals } from '../store/run-repository';
import type { RunDetails } from '../runs/run-details';
import { PRODUCT } from '../version';

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
  const diffs = new Map<number, ReportDiff>();
  let budget = REPORT_DIFFS_TOTAL_CAP;
  for (const e of experiments) {
    if (e.outcome !== 'kept' && e.outcome !== 'baseline') continue;
    if (budget <= 0) {
      diffs.set(e.step, {
        text: '',
        truncated: true,
        note: `Left out to keep the report small; \`mle-beast show ${id.slice(0, 8)}\` or the dashboard's experiment view has it.`,
      });
      continue;
    }
    try {
      const detail = await details.experiment({ id, step: e.step });
      const full = detail.diff?.text ?? '';
      const cap = Math.min(REPORT_DIFF_CAP, budget);
      const text = full.length > cap ? full.slice(0, cap) : full;
      budget -= text.length;
      diffs.set(e.step, {
        text,
        truncated: full.length > cap || (detail.diff?.truncated ?? false),
        note: detail.diffNote,
      });
    } catch (error) {
      diffs.set(e.step, { text: '', truncated: false, note: `No diff: ${(error as Error).message}` });
    }
  }
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
