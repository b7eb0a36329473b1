import { esc, num } from './escape';

export interface ChartLine {
  label: string;
  color: string;
  points: readonly (readonly [number, number])[];
}

const W = 640;
const H = 220;
const M = { left: 64, right: 16, top: 24, bottom: 34 };

/**
 * Y-axis ticks on round steps (1, 2, 2.5, 5 × 10^k) from `min` up to at least `max`, about `count`
 * of them; a count (`integer`) gets whole-number steps only, so it never reads 0.2625.
 */
export function niceTicks(min: number, max: number, integer = false, count = 4): number[] {
  const span = max > min ? max - min : 1;
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const steps = integer && pow < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = steps.map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step) * step;
  const out: number[] = [];
  for (let v = first; out.length < 50; v += step) {
    out.push(Number(v.toPrecision(12)));
    if (v >= max) break;
  }
  return out;
}

/** Inline SVG line chart: x simulated time (s), y the value, one polyline per line, with axes; unit `count` ticks whole numbers. */
export function lineChartSvg(title: string, unit: string, lines: readonly ChartLine[]): string {
  const pts = lines.flatMap((l) => l.points);
  if (pts.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${W}" height="40"><text x="8" y="24" font-size="12" font-family="sans-serif">${esc(title)}: no samples</text></svg>`;
  const xMax = Math.max(...pts.map((p) => p[0]), 1e-9);
  const yMinRaw = Math.min(0, ...pts.map((p) => p[1]));
  const yMaxRaw = Math.max(...pts.map((p) => p[1]));
  const ticks = niceTicks(yMinRaw, yMaxRaw > yMinRaw ? yMaxRaw : yMinRaw + 1, unit === 'count');
  const yMin = ticks[0];
  const yMax = ticks[ticks.length - 1];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + (x / xMax) * pw;
  const sy = (y: number) => M.top + ph - ((y - yMin) / (yMax - yMin)) * ph;
  const out: string[] = [];
  out.push(`<text x="${M.left}" y="15" font-size="12" font-weight="bold">${esc(title)} (${esc(unit)})</text>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="#fff" stroke="#aab"/>`);
  for (const yv of ticks) {
    const y = sy(yv);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 4}" y="${y + 3}" font-size="9" text-anchor="end">${esc(num(yv))}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const xv = (xMax * i) / 4;
    out.push(`<text x="${sx(xv)}" y="${H - M.bottom + 13}" font-size="9" text-anchor="middle">${esc(timeLabel(xv))}</text>`);
  }
  out.push(`<text x="${M.left + pw / 2}" y="${H - 4}" font-size="9" text-anchor="middle">simulated time</text>`);
  lines.forEach((l, i) => {
    if (l.points.length === 0) return;
    const d = l.points.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    out.push(`<polyline class="series" fill="none" stroke="${l.color}" stroke-width="1.5" points="${d}"><title>${esc(l.label)}</title></polyline>`);
    if (lines.length > 1) {
      // Legend in the title row, right-aligned, so it never covers the lines.
      const lx = W - M.right - (lines.length - i) * 90;
      out.push(`<rect x="${lx}" y="6" width="10" height="10" fill="${l.color}"/>`);
      out.push(`<text x="${lx + 14}" y="15" font-size="10">${esc(l.label)}</text>`);
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${esc(title)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">${out.join('')}</svg>`;
}

/** Seconds as a short axis label: 90 → 1.5m, 7200 → 2h. */
export function timeLabel(s: number): string {
  if (s >= 3600) return `${num(Math.round((s / 3600) * 100) / 100)}h`;
  if (s >= 60) return `${num(Math.round((s / 60) * 100) / 100)}m`;
  return `${num(Math.round(s * 1000) / 1000)}s`;
}
