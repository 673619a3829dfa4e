import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { Experiment } from '../../../engine/api';
import { bestTrajectory } from '../../../engine/api/run-view';
import { useChartColors } from '../lib/theme-colors';
import { UPlotChart } from '../lib/UPlotChart';
import type { Direction } from '../../../engine/api/vocabulary';

interface Metric {
  name: string;
  direction: Direction;
  target: number | null;
}

/** Scores by step, the running best and the target as uPlot's aligned columns. */
function scoreData(experiments: readonly Experiment[], metric: Metric): uPlot.AlignedData {
  const points = bestTrajectory(experiments, metric.direction);
  return [
    points.map((p) => p.step),
    points.map((p) => p.score),
    points.map((p) => p.best),
    points.map(() => metric.target),
  ];
}

/** The card's small chart: every scored experiment, the running best and the target. */
export function Sparkline({ experiments, metric }: { experiments: readonly Experiment[]; metric: Metric }) {
  const colors = useChartColors();
  const options = useMemo<Omit<uPlot.Options, 'width'>>(
    () => ({
      height: 44,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      axes: [{ show: false }, { show: false }],
      scales: { x: { time: false } },
      series: [
        {},
        {
          stroke: colors.muted,
          width: 1,
          paths: () => null,
          points: { show: true, size: 4, fill: colors.muted },
        },
        { stroke: colors.accent, width: 2, points: { show: false } },
        { stroke: colors.ok, width: 1, dash: [4, 3], points: { show: false } },
      ],
    }),
    [colors],
  );
  const data = useMemo(() => scoreData(experiments, metric), [experiments, metric]);
  if (data[0].length === 0) return <div className="sparkline empty hint">no scores yet</div>;
  return (
    <UPlotChart
      className="sparkline"
      options={options}
      data={data}
      label={`${metric.name} by step with the running best and the target`}
    />
  );
}

/** The detail page's score trajectory: kept/reverted points, running best, target line, axes and legend. */
export function ScoreChart({ experiments, metric }: { experiments: readonly Experiment[]; metric: Metric }) {
  const colors = useChartColors();
  const options = useMemo<Omit<uPlot.Options, 'width'>>(
    () => ({
      height: 220,
      scales: { x: { time: false } },
      axes: [
        {
          label: 'step',
          stroke: colors.muted,
          grid: { stroke: colors.border },
          ticks: { stroke: colors.border },
          // Steps are whole numbers.
          incrs: [1, 2, 5, 10, 20, 50, 100],
          values: (_u: uPlot, splits: number[]) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
        },
        {
          label: metric.name,
          stroke: colors.muted,
          grid: { stroke: colors.border },
          ticks: { stroke: colors.border },
        },
      ],
      series: [
        { label: 'step' },
        // Each experiment's own score as a point, kept and reverted apart (no line: a reverted step does not
        // lead to the next one).
        {
          label: 'kept',
          stroke: colors.ok,
          paths: () => null,
          points: { show: true, size: 8, fill: colors.ok },
        },
        {
          label: 'reverted',
          stroke: colors.warn,
          paths: () => null,
          points: { show: true, size: 8, fill: colors.warn },
        },
        { label: 'best so far', stroke: colors.accent, width: 2, points: { show: false } },
        { label: 'target', stroke: colors.ok, width: 1, dash: [6, 4], points: { show: false } },
      ],
    }),
    [colors, metric.name],
  );
  const data = useMemo<uPlot.AlignedData>(() => {
    const points = bestTrajectory(experiments, metric.direction);
    const outcome = new Map(experiments.map((e) => [e.step, e.outcome]));
    const kept = (step: number) => outcome.get(step) === 'kept' || outcome.get(step) === 'baseline';
    return [
      points.map((p) => p.step),
      points.map((p) => (kept(p.step) ? p.score : null)),
      points.map((p) => (kept(p.step) ? null : p.score)),
      points.map((p) => p.best),
      points.map(() => metric.target),
    ];
  }, [experiments, metric]);
  if (data[0].length === 0) return <p className="hint">No experiment has a score yet.</p>;
  return <UPlotChart className="chart" options={options} data={data} label={`${metric.name} by step`} />;
}
