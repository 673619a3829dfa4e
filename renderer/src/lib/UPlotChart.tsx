import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

let uPlotModule: Promise<typeof uPlot> | null = null;
/**
 * uPlot is fetched when the first chart mounts, not with the app: the Runs page shows its table before any
 * card's sparkline, and the main bundle stays smaller to parse (its styles stay in the main stylesheet).
 */
const loadUPlot = () => (uPlotModule ??= import('uplot').then((m) => m.default));

/**
 * uPlot in React: the chart is created when its options change (series, theme, scale) and only fed new data
 * otherwise, which is what keeps a live chart cheap. Its width follows the container.
 */
export function UPlotChart(props: {
  options: Omit<uPlot.Options, 'width'>;
  data: uPlot.AlignedData;
  className?: string;
  label: string;
}) {
  const { options, data } = props;
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  // The newest data, for a chart created after it came (uPlot loads asynchronously, after both effects ran).
  const latest = useRef(data);

  useEffect(() => {
    const el = host.current!;
    let plot: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let closed = false;
    void loadUPlot().then((UPlot) => {
      if (closed) return;
      const created = new UPlot({ ...options, width: Math.max(el.clientWidth, 50) }, latest.current, el);
      plot = created;
      chart.current = created;
      observer = new ResizeObserver(() => {
        const width = Math.max(el.clientWidth, 50);
        if (width !== created.width) created.setSize({ width, height: created.height });
      });
      observer.observe(el);
    });
    return () => {
      closed = true;
      observer?.disconnect();
      plot?.destroy();
      chart.current = null;
    };
  }, [options]);

  useEffect(() => {
    latest.current = data;
    chart.current?.setData(data);
  }, [data, options]);

  return <div ref={host} className={props.className} role="img" aria-label={props.label} />;
}
