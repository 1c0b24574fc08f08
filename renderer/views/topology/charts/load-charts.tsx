import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { StatsSubject } from '../../../../api/inventory-api';
import { formatKiB } from '../resource-bar';
import { chartData, latest } from './load-series';
import { UPlotChart } from './uplot-chart';
import { useLoadSeries } from './use-load-series';
import './load-charts.css';

/** CPU or memory: what a chart plots and how its figures read. */
export type LoadMetric = 'cpu' | 'memory';

const COLOURS: Record<LoadMetric, { stroke: string; fill: string }> = {
  cpu: { stroke: '#0066cc', fill: 'rgba(0, 102, 204, 0.18)' },
  memory: { stroke: '#5e40be', fill: 'rgba(94, 64, 190, 0.18)' },
};

/** Memory charts in GiB from 2 GiB up, in MiB below (a small VM's axis stays readable). */
function memoryUnit(maxKiB: number): { name: string; perKiB: number } {
  return maxKiB >= 2 * 1024 * 1024
    ? { name: 'GiB', perKiB: 1 / (1024 * 1024) }
    : { name: 'MiB', perKiB: 1 / 1024 };
}

/** The latest figure as words, for the accessible name and the caption. */
export function latestText(metric: LoadMetric, value: number | undefined, maxKiB?: number) {
  if (value === undefined) return 'no figure yet';
  if (metric === 'cpu') return `${Math.round(value)}%`;
  return maxKiB ? `${formatKiB(value)} of ${formatKiB(maxKiB)}` : formatKiB(value);
}

/**
 * The x scale: always the whole window up to the newest sample, so a chart shows the last
 * minutes at one fixed width, however many samples there are yet.
 */
function timeScale(windowMs: number): uPlot.Scale {
  const span = windowMs / 1000;
  return {
    time: true,
    range: (_u, _min, max) => {
      const end = max ?? Math.floor(Date.now() / 1000);
      return [end - span, end];
    },
  };
}

function useChart(subject: StatsSubject, metric: LoadMetric, maxKiB: number | undefined) {
  const { series, history } = useLoadSeries(subject);
  const key = metric === 'cpu' ? 'cpu' : 'memoryKiB';
  const unit = metric === 'memory' ? memoryUnit(maxKiB ?? 0) : undefined;
  const data = useMemo(
    () => chartData(series, key, history.periodMs, unit?.perKiB ?? 1) as uPlot.AlignedData,
    [series, key, history.periodMs, unit?.perKiB],
  );
  const points = series.t.length;
  const value = latest(series, key);
  const minutes = Math.round(history.windowMs / 60_000);
  return { data, points, value, unit, minutes, windowMs: history.windowMs };
}

/**
 * A small line of the last 15 minutes for a tree row: no axes, no legend. Its accessible name
 * says what it shows and the latest figure; `data-points` tells how many samples it holds.
 */
export function Sparkline(props: {
  subject: StatsSubject;
  metric: LoadMetric;
  /** "CPU of web-1", "Memory of host-a". */
  label: string;
  /** Memory: the most there is (KiB), the top of the scale. */
  maxKiB?: number;
}) {
  const { subject, metric, label, maxKiB } = props;
  const { data, points, value, unit, minutes, windowMs } = useChart(subject, metric, maxKiB);
  const top = metric === 'cpu' ? 100 : (maxKiB ?? 0) * (unit?.perKiB ?? 1);
  const options = useMemo(
    () =>
      (width: number): uPlot.Options => ({
        width,
        height: 22,
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: {
          x: timeScale(windowMs),
          y: { range: [0, top > 0 ? top : null] as uPlot.Range.MinMax },
        },
        axes: [{ show: false }, { show: false }],
        series: [
          {},
          {
            stroke: COLOURS[metric].stroke,
            fill: COLOURS[metric].fill,
            width: 1,
            points: { show: false },
          },
        ],
      }),
    [metric, top, windowMs],
  );
  const text = `${label}, last ${minutes} minutes: ${latestText(metric, value, maxKiB)}`;
  return (
    <span
      className={`sparkline sparkline-${metric}`}
      role="img"
      aria-label={text}
      title={text}
      data-points={points}
    >
      <UPlotChart options={options} data={data} width={64} deferMs={150} />
    </span>
  );
}

/**
 * A chart with axes and units for the details panel: CPU in percent, memory in MiB or GiB,
 * time on the x axis. The figure is named by its title and states the latest value as text.
 */
export function LoadChart(props: {
  subject: StatsSubject;
  metric: LoadMetric;
  /** "CPU of web-1". */
  title: string;
  maxKiB?: number;
  testId?: string;
}) {
  const { subject, metric, title, maxKiB } = props;
  const { data, points, value, unit, minutes, windowMs } = useChart(subject, metric, maxKiB);
  const top = metric === 'cpu' ? 100 : (maxKiB ?? 0) * (unit?.perKiB ?? 1);
  const unitName = metric === 'cpu' ? '%' : unit!.name;
  const options = useMemo(
    () =>
      (width: number): uPlot.Options => {
        // Axis text in the theme's own colour (light or dark), read once from the page.
        const ink = getComputedStyle(document.body).color || '#151515';
        const grid = { stroke: 'rgba(128, 128, 128, 0.25)', width: 1 };
        return {
          width,
          height: 140,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: timeScale(windowMs),
            y: { range: [0, top > 0 ? top : null] as uPlot.Range.MinMax },
          },
          axes: [
            { stroke: ink, grid, ticks: grid },
            {
              stroke: ink,
              grid,
              ticks: grid,
              size: 72,
              values: (_u, splits) =>
                splits.map((v) => (metric === 'cpu' ? `${v}%` : `${+v.toFixed(1)} ${unitName}`)),
            },
          ],
          series: [
            {},
            {
              label: metric === 'cpu' ? 'CPU' : 'Memory',
              stroke: COLOURS[metric].stroke,
              fill: COLOURS[metric].fill,
              width: 1.5,
              points: { show: false },
            },
          ],
        };
      },
    [metric, top, unitName, windowMs],
  );
  const now = latestText(metric, value, maxKiB);
  const text = `${title}, last ${minutes} minutes, in ${unitName}: ${now}`;
  return (
    <figure className="load-chart" data-testid={props.testId}>
      <figcaption>
        <span className="load-chart-title">{title}</span>
        <span className="load-chart-now">{now}</span>
      </figcaption>
      <div role="img" aria-label={text} data-points={points}>
        <UPlotChart options={options} data={data} />
      </div>
      {points === 0 && <p className="load-chart-empty">Waiting for the first samples…</p>}
    </figure>
  );
}
