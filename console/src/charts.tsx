/**
 * Charts with chart.js, tree-shaken: only the bar and doughnut controllers and the parts they
 * use are registered. Each chart is a labelled image for screen readers, with its numbers in a
 * visually hidden table beside it.
 */
import { ArcElement, BarController, BarElement, CategoryScale, Chart, type ChartConfiguration, DoughnutController, Legend, LinearScale, Tooltip } from 'chart.js';
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend, DoughnutController, ArcElement);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'system-ui, sans-serif';
Chart.defaults.color = '#475569';

export const PALETTE = ['#2563eb', '#0d9488', '#f59e0b', '#db2777', '#7c3aed', '#64748b', '#16a34a', '#ea580c', '#0891b2', '#9333ea'];

export interface Series {
  label: string;
  values: number[];
  color?: string;
}

/**
 * A chart drawn on the returned canvas, built again only when `deps` change (the callers key
 * their data by its JSON, so a re-render with equal arrays keeps the chart) and destroyed on unmount.
 */
function useChart(config: () => ChartConfiguration, deps: unknown[]): RefObject<HTMLCanvasElement | null> {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config());
    return () => chart.destroy();
  }, deps);
  return canvas;
}

/** A bar chart (horizontal with `horizontal`), stacked with `stacked`. */
export function BarChart({ title, labels, series, horizontal, stacked, height = 220 }: { title: string; labels: string[]; series: Series[]; horizontal?: boolean; stacked?: boolean; height?: number }) {
  const canvas = useChart(
    () => ({
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: s.color ?? PALETTE[i % PALETTE.length], borderRadius: 4, maxBarThickness: 36 })),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: series.length > 1, position: 'bottom', labels: { boxWidth: 12 } } },
        scales: {
          // Every bar keeps its label (chart.js would skip every other one on a short axis).
          x: { stacked, grid: { display: !!horizontal }, ticks: horizontal ? { precision: 0 } : { autoSkip: false } },
          y: { stacked, grid: { display: !horizontal }, ticks: horizontal ? { autoSkip: false } : { precision: 0 }, beginAtZero: true },
        },
      },
    }),
    [JSON.stringify([labels, series]), horizontal, stacked],
  );
  return <ChartFrame title={title} labels={labels} series={series} height={height} canvas={canvas} />;
}

/** A doughnut of parts of a whole. */
export function DoughnutChart({ title, labels, values, colors, height = 180 }: { title: string; labels: string[]; values: number[]; colors?: string[]; height?: number }) {
  const canvas = useChart(
    () => ({
      type: 'doughnut',
      data: { labels, datasets: [{ data: values, backgroundColor: colors ?? PALETTE, borderWidth: 0 }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, cutout: '62%', plugins: { legend: { position: 'right', labels: { boxWidth: 12 } } } },
    }),
    [JSON.stringify([labels, values])],
  );
  return <ChartFrame title={title} labels={labels} series={[{ label: title, values }]} height={height} canvas={canvas} />;
}

function ChartFrame({ title, labels, series, height, canvas }: { title: string; labels: string[]; series: Series[]; height: number; canvas: RefObject<HTMLCanvasElement | null> }) {
  const summary = labels.map((l, i) => `${l}: ${series.map((s) => s.values[i] ?? 0).join(' / ')}`).join('; ');
  return (
    <figure class="chart">
      <div class={`chart-box h${height}`}>
        <canvas ref={canvas} role="img" aria-label={`${title}. ${summary}`} />
      </div>
      <table class="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            {series.map((s) => (
              <th scope="col" key={s.label}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
