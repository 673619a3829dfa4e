import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { metricSeries, metricSteps, type MetricPoint } from '../../../../engine/api/run-view';
import { SERIES_COLORS, useChartColors } from '../../lib/theme-colors';
import { UPlotChart } from '../../lib/UPlotChart';

/**
 * The live training chart: one series per metric of logs/metrics.jsonl, epoch on x, for one step's training
 * (the newest by default, following new steps as they start), with a log scale for losses.
 */
export function TrainingChart({ metrics }: { metrics: readonly MetricPoint[] }) {
  const colors = useChartColors();
  const steps = useMemo(() => metricSteps(metrics), [metrics]);
  const [picked, setPicked] = useState<number | null>(null);
  const [log, setLog] = useState(false);
  const step = picked !== null && steps.includes(picked) ? picked : (steps[steps.length - 1] ?? null);
  const series = useMemo(() => (step === null ? null : metricSeries(metrics, step)), [metrics, step]);
  const names = series?.series.map((s) => s.name).join('\n') ?? '';

  const options = useMemo<Omit<uPlot.Options, 'width'>>(() => {
    const axis = { stroke: colors.muted, grid: { stroke: colors.border }, ticks: { stroke: colors.border } };
    return {
      height: 240,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: [{ ...axis, label: 'epoch' }, axis],
      series: [
        { label: 'epoch' },
        ...names
          .split('\n')
          .filter(Boolean)
          .map((name, i) => ({
            label: name,
            stroke: SERIES_COLORS[i % SERIES_COLORS.length],
            width: 2,
            spanGaps: true,
          })),
      ],
    };
  }, [colors, names, log]);

  const data = useMemo<uPlot.AlignedData>(() => {
    if (!series) return [[]];
    // A log scale cannot show zero or less: those points are left out there.
    const values = series.series.map((s) => s.values.map((v) => (log && v !== null && v <= 0 ? null : v)));
    return [series.x, ...values];
  }, [series, log]);

  if (steps.length === 0) {
    return (
      <p className="hint">
        No training metrics yet. They appear live as train.py appends to <code>logs/metrics.jsonl</code>.
      </p>
    );
  }
  return (
    <div>
      <div className="chart-toolbar">
        <label className="inline-field">
          <span>Step</span>
          <select value={step ?? ''} onChange={(e) => setPicked(Number(e.target.value))}>
            {steps.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? '0 (baseline)' : s}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} />
          <span>Log scale</span>
        </label>
      </div>
      {series && series.x.length > 0 ? (
        <UPlotChart
          key={names}
          className="chart"
          options={options}
          data={data}
          label={`Training metrics of step ${step}: ${series.series.map((s) => s.name).join(', ')} by epoch`}
        />
      ) : null}
    </div>
  );
}
