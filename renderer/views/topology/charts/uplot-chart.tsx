import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
// uPlot's stylesheet as a file: the strict CSP allows the app's own style files only.
import 'uplot/dist/uPlot.min.css';

/**
 * One uPlot canvas. uPlot sizes and places its elements through element.style (allowed by the
 * CSP, unlike <style> elements, which it never creates). The chart is made once per mount;
 * new data only redraws it, and the width follows the container when `height` alone is given.
 */
export function UPlotChart(props: {
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  /** Fixed width (px); without it the chart fills its container. */
  width?: number;
  /**
   * Make the chart a moment after mounting, not at once: rows that scroll past quickly never
   * pay for one, so a fast scroll through thousands of rows stays within its frames.
   */
  deferMs?: number;
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { options, data, width, deferMs } = props;
  const dataRef = useRef(data);
  // Declared before the chart's effect, so a chart made again (new width) starts with the data.
  useEffect(() => {
    dataRef.current = data;
  }, [data]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let u: uPlot | undefined;
    let ro: ResizeObserver | undefined;
    const make = () => {
      const w = width ?? Math.max(120, el.clientWidth);
      const made = new uPlot(options(w), dataRef.current, el);
      u = made;
      plot.current = made;
      if (width === undefined && typeof ResizeObserver !== 'undefined') {
        ro = new ResizeObserver(() => {
          const next = Math.max(120, el.clientWidth);
          if (next !== made.width) made.setSize({ width: next, height: made.height });
        });
        ro.observe(el);
      }
    };
    const timer = deferMs === undefined ? undefined : setTimeout(make, deferMs);
    if (deferMs === undefined) make();
    return () => {
      clearTimeout(timer);
      ro?.disconnect();
      u?.destroy();
      plot.current = null;
    };
    // New options (another scale) make a new chart; new data only redraws (below).
  }, [width, options, deferMs]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={ref} className={props.className} />;
}
