/**
 * choose-k's SVG: one small panel per criterion (inertia, silhouette, Calinski–Harabasz,
 * Davies–Bouldin, gap), each score against k, with the k that criterion recommends marked.
 */
import type { ChooseKCriterion, ChooseKResult, ChooseKRow } from '../index';
import { escape, linearScale, tickText } from './svg_scale';

interface Panel {
  title: string;
  /** Which criterion's recommendation this panel marks. */
  criterion: ChooseKCriterion;
  value: (row: ChooseKRow) => number | null;
  error?: (row: ChooseKRow) => number | null;
  better: string;
}

const panels: Panel[] = [
  { title: 'inertia', criterion: 'elbow', value: (row) => row.inertia, better: 'elbow marked' },
  { title: 'silhouette', criterion: 'silhouette', value: (row) => row.silhouette, better: 'higher is better' },
  {
    title: 'Calinski–Harabasz',
    criterion: 'calinskiHarabasz',
    value: (row) => row.calinskiHarabasz,
    better: 'higher is better',
  },
  { title: 'Davies–Bouldin', criterion: 'daviesBouldin', value: (row) => row.daviesBouldin, better: 'lower is better' },
  {
    title: 'gap statistic',
    criterion: 'gap',
    value: (row) => row.gap,
    error: (row) => row.gapError,
    better: 'Tibshirani’s rule marked',
  },
];

const panelWidth = 420;
const panelHeight = 230;
const margin = { left: 70, top: 34, right: 16, bottom: 40 };
const line = '#4e79a7';
const mark = '#e15759';

export function kCurvesSvg(result: ChooseKResult, title: string): string {
  const shown = panels.filter((panel) => result.rows.some((row) => panel.value(row) !== null));
  const columns = 2;
  const width = columns * panelWidth + 20;
  const height = 70 + Math.ceil(shown.length / columns) * panelHeight;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="30" font-size="17" font-weight="bold">${escape(title)}</text>`,
    `<text x="20" y="50" fill="#555">${escape(recommendationLine(result))}</text>`,
  ];
  shown.forEach((panel, i) => {
    const x = 10 + (i % columns) * panelWidth;
    const y = 60 + Math.floor(i / columns) * panelHeight;
    out.push(...panelSvg(panel, result, x, y));
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** "recommended k: elbow 4, silhouette 4, …", or "none" for a criterion where no k qualified. */
export function recommendationLine(result: ChooseKResult): string {
  const names: Record<ChooseKCriterion, string> = {
    elbow: 'elbow',
    silhouette: 'silhouette',
    calinskiHarabasz: 'Calinski–Harabasz',
    daviesBouldin: 'Davies–Bouldin',
    gap: 'gap',
  };
  const asked = panels.filter((panel) => result.rows.some((row) => panel.value(row) !== null));
  const parts = asked.map((panel) => `${names[panel.criterion]} ${result.recommended[panel.criterion] ?? 'none'}`);
  return `recommended k: ${parts.join(', ')}`;
}

function panelSvg(panel: Panel, result: ChooseKResult, left: number, top: number): string[] {
  const points = result.rows.flatMap((row) => {
    const value = panel.value(row);
    return value === null ? [] : [{ k: row.k, value, error: panel.error?.(row) ?? 0 }];
  });
  const area = {
    left: left + margin.left,
    right: left + panelWidth - margin.right,
    top: top + margin.top,
    bottom: top + panelHeight - margin.bottom,
  };
  const ks = result.rows.map((row) => row.k);
  const xScale = linearScale(ks, area.left, area.right);
  xScale.ticks = xScale.ticks.filter(Number.isInteger);
  const yScale = linearScale(
    points.flatMap((p) => [p.value - p.error, p.value + p.error]),
    area.bottom,
    area.top,
  );
  const at = (p: { k: number; value: number }) => [xScale.at(p.k).toFixed(1), yScale.at(p.value).toFixed(1)];
  const out = [
    `<text x="${area.left}" y="${top + 20}" font-size="13" font-weight="bold">${escape(panel.title)}</text>`,
    `<text x="${area.right}" y="${top + 20}" text-anchor="end" fill="#555" font-size="11">${escape(panel.better)}</text>`,
    `<rect x="${area.left}" y="${area.top}" width="${area.right - area.left}" height="${area.bottom - area.top}" fill="none" stroke="#888"/>`,
    `<g fill="#444" font-size="11">`,
    ...xScale.ticks.map(
      (t) => `<text x="${xScale.at(t).toFixed(1)}" y="${area.bottom + 15}" text-anchor="middle">${tickText(t)}</text>`,
    ),
    ...yScale.ticks.map(
      (t) => `<text x="${area.left - 6}" y="${(yScale.at(t) + 4).toFixed(1)}" text-anchor="end">${tickText(t)}</text>`,
    ),
    `<text x="${(area.left + area.right) / 2}" y="${area.bottom + 32}" text-anchor="middle">k</text>`,
    `</g>`,
  ];
  const chosen = result.recommended[panel.criterion];
  if (chosen !== null) {
    const x = xScale.at(chosen).toFixed(1);
    out.push(
      `<line class="recommended" x1="${x}" y1="${area.top}" x2="${x}" y2="${area.bottom}" stroke="${mark}" stroke-dasharray="4 3"/>`,
      `<text x="${x}" y="${area.top + 14}" dx="4" fill="${mark}" font-size="11">k = ${chosen}</text>`,
    );
  }
  if (panel.error) {
    out.push(`<g stroke="${line}">`);
    for (const p of points) {
      const [x, low, high] = [xScale.at(p.k), yScale.at(p.value - p.error), yScale.at(p.value + p.error)];
      out.push(`<line x1="${x.toFixed(1)}" y1="${low.toFixed(1)}" x2="${x.toFixed(1)}" y2="${high.toFixed(1)}"/>`);
    }
    out.push(`</g>`);
  }
  out.push(
    `<polyline fill="none" stroke="${line}" stroke-width="2" points="${points.map((p) => at(p).join(',')).join(' ')}"/>`,
  );
  for (const p of points) {
    const [x, y] = at(p);
    const isChosen = p.k === chosen;
    out.push(
      `<circle cx="${x}" cy="${y}" r="${isChosen ? 6 : 3.5}" fill="${isChosen ? mark : line}"${isChosen ? ' class="recommended"' : ''}/>`,
    );
  }
  return out;
}
