import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { Experiment } from '../../../../engine/api';
import { isBetter } from '../../../../engine/api/vocabulary';
import { fmtScore } from '../../lib/format';
import { useChartColors } from '../../lib/theme-colors';
import { UPlotChart } from '../../lib/UPlotChart';

interface Metric {
  name: string;
  direction: 'higher' | 'lower';
  target: number | null;
  trusted: boolean;
}

/**
 * Every experiment's engine score by step, one series per outcome (kept, reverted, abandoned or failed), the
 * running best, the target, and the agent's self-reported figures as a series of their own, labelled as such:
 * they are shown, never used for decisions when the engine scores on a hidden holdout.
 */
export function ScoreTrajectory({
  experiments,
  metric,
}: {
  experiments: readonly Experiment[];
  metric: Metric;
}) {
  const colors = useChartColors();
  const lastStep = Math.max(1, ...experiments.map((e) => e.step));
  const engineLabel = metric.trusted ? 'engine' : 'self-reported (used: no holdout)';
  const options = useMemo<Omit<uPlot.Options, 'width'>>(() => {
    const axis = { stroke: colors.muted, grid: { stroke: colors.border }, ticks: { stroke: colors.border } };
    const dots = (label: string, color: string, size = 9) => ({
      label,
      stroke: color,
      paths: () => null,
      points: { show: true, size, fill: color },
    });
    return {
      height: 240,
      // Steps 0 to the newest (a little margin so edge points show whole), fixed: uPlot would spread a single
      // point over an arbitrary 0-100 range.
      scales: { x: { time: false, auto: false, range: [-0.25, lastStep + 0.25] } },
      axes: [
        {
          ...axis,
          label: 'step',
          incrs: [1, 2, 5, 10, 20, 50, 100],
          values: (_u: uPlot, splits: number[]) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
        },
        { ...axis, label: metric.name },
      ],
      series: [
        { label: 'step' },
        dots(`kept (${engineLabel})`, colors.ok),
        dots(`reverted (${engineLabel})`, colors.warn),
        dots(`abandoned / failed (${engineLabel})`, colors.danger),
        // Hollow: the agent's own figure from eval_results.json.
        {
          label: 'self-reported (agent, not trusted)',
          stroke: colors.muted,
          paths: () => null,
          points: { show: true, size: 7, fill: 'transparent', stroke: colors.muted, width: 1.5 },
        },
        { label: 'best so far', stroke: colors.accent, width: 2, points: { show: false } },
        { label: 'target', stroke: colors.ok, width: 1, dash: [6, 4], points: { show: false } },
      ],
    };
  }, [colors, metric.name, engineLabel, lastStep]);

  const data = useMemo<uPlot.AlignedData>(() => {
    const rows = experiments.filter((e) => e.score !== null || e.selfReportedScore !== null);
    const bests: (number | null)[] = [];
    for (const e of rows) {
      const prev = bests.length > 0 ? bests[bests.length - 1]! : null;
      const moves =
        e.score !== null &&
        (e.outcome === 'kept' || e.outcome === 'baseline') &&
        isBetter(metric.direction, e.score, prev);
      bests.push(moves ? e.score : prev);
    }
    const of = (test: (e: Experiment) => boolean) => rows.map((e) => (test(e) ? e.score : null));
    // With a trusted metric the self-reported figures are a series apart; without one they are the scores.
    return [
      rows.map((e) => e.step),
      of((e) => e.outcome === 'kept' || e.outcome === 'baseline'),
      of((e) => e.outcome === 'reverted'),
      of((e) => e.outcome === 'abandoned' || e.outcome === 'failed'),
      rows.map((e) => (metric.trusted ? e.selfReportedScore : null)),
      bests,
      rows.map(() => metric.target),
    ];
  }, [experiments, metric]);

  const unscored = experiments.filter((e) => e.score === null);
  if (data[0].length === 0) {
    return (
      <p className="hint">
        No experiment has a score yet: the baseline's appears once it is trained and scored on the hidden
        holdout.
      </p>
    );
  }
  const best = experiments.reduce<Experiment | null>(
    (b, e) =>
      e.score !== null &&
      (e.outcome === 'kept' || e.outcome === 'baseline') &&
      isBetter(metric.direction, e.score, b?.score ?? null)
        ? e
        : b,
    null,
  );
  return (
    <div data-testid="score-trajectory">
      <UPlotChart
        className="chart"
        options={options}
        data={data}
        label={`${metric.name} by step: ${experiments.length} experiments; best ${fmtScore(best?.score)}${best ? ` at step ${best.step}` : ''}${metric.target === null ? '' : `; target ${fmtScore(metric.target)}`}`}
      />
      {unscored.length > 0 && (
        <p className="hint small">
          Not scored (no point on the chart):{' '}
          {unscored.map((e) => `step ${e.step} (${e.outcome})`).join(', ')}.
        </p>
      )}
    </div>
  );
}
