import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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

  useEffect(() => {
    const el = host.current!;
    // Created empty: the data effect below, which runs after this one, fills it.
    const empty = options.series.map(() => []) as unknown as uPlot.AlignedData;
    const plot = new uPlot({ ...options, width: Math.max(el.clientWidth, 50) }, empty, el);
    chart.current = plot;
    const observer = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 50);
      if (width !== plot.width) plot.setSize({ width, height: plot.height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [options]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data, options]);

  return <div ref={host} className={props.className} role="img" aria-label={props.label} />;
}
