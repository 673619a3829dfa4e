import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { Experiment } from '../../../engine/api';
import { bestTrajectory } from '../../../engine/api/run-view';
import { useChartColors } from '../lib/theme-colors';
import { UPlotChart } from '../lib/UPlotChart';

interface Metric {
  name: string;
  direction: 'higher' | 'lower';
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
        {
          label: 'score',
          stroke: colors.muted,
          width: 1,
          points: { show: true, size: 6, fill: colors.muted },
        },
        { label: 'best', stroke: colors.accent, width: 2 },
        { label: 'target', stroke: colors.ok, width: 1, dash: [6, 4], points: { show: false } },
      ],
    }),
    [colors, metric.name],
  );
  const data = useMemo(() => scoreData(experiments, metric), [experiments, metric]);
  if (data[0].length === 0) return <p className="hint">No experiment has a score yet.</p>;
  return <UPlotChart className="chart" options={options} data={data} label={`${metric.name} by step`} />;
}
