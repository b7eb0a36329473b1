import { parseCpuset } from '../../../src-common/parse/cpuset';
import { formatSize } from '../../../src-common/parse/size';
import type { Workspace } from '../../../src-common/workspace';
import { esc } from './escape';

/** Guest colours, in workspace order (legend and pinned threads share them). */
export const GUEST_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#e15759', '#76b7b2', '#edc948', '#9c755f'];

const THREAD = 22;
const CORE_PAD = 3;
const CORES_PER_ROW = 4;

/**
 * Inline SVG of the host: sockets ⊃ cores ⊃ SMT threads labelled with Linux CPU numbers
 * (cpu = core × threadsPerCore + thread, cores numbered across sockets), each thread tinted
 * with the guest pinned to it, and one box per guest below with its vCPUs and pinning.
 */
export function topologySvg(ws: Workspace): string {
  const tpc = ws.host.threadsPerCore;
  const cpuCount = ws.host.sockets.reduce((n, s) => n + s.cores, 0) * tpc;
  const pinnedBy = new Map<number, number>();
  ws.guests.forEach((g, gi) => {
    for (const p of g.vcpupin) {
      let cpus: number[] = [];
      try {
        cpus = parseCpuset(p.cpuset, cpuCount);
      } catch {
        // A bad cpuset is reported by validation; the drawing just leaves it out.
      }
      for (const c of cpus) if (!pinnedBy.has(c)) pinnedBy.set(c, gi);
    }
  });
  const coreW = tpc * THREAD + 2 * CORE_PAD;
  const coreH = THREAD + 2 * CORE_PAD + 12;
  const parts: string[] = [];
  let x = 10;
  let maxH = 0;
  let coreBase = 0;
  ws.host.sockets.forEach((s, si) => {
    const cols = Math.min(CORES_PER_ROW, s.cores);
    const rows = Math.ceil(s.cores / CORES_PER_ROW);
    const w = cols * (coreW + 6) + 14;
    const h = rows * (coreH + 6) + 40;
    parts.push(`<g class="socket"><rect x="${x}" y="10" width="${w}" height="${h}" rx="6" fill="#f4f6f8" stroke="#556"/>`);
    parts.push(`<text x="${x + 8}" y="27" font-size="12" font-weight="bold">socket ${si} · ${s.cores} cores · ${esc(formatSize(s.memoryBytes))}</text>`);
    for (let c = 0; c < s.cores; c++) {
      const cx = x + 8 + (c % CORES_PER_ROW) * (coreW + 6);
      const cy = 36 + Math.floor(c / CORES_PER_ROW) * (coreH + 6);
      const core = coreBase + c;
      parts.push(`<rect class="core" x="${cx}" y="${cy}" width="${coreW}" height="${coreH}" rx="3" fill="#fff" stroke="#889"/>`);
      parts.push(`<text x="${cx + 3}" y="${cy + 10}" font-size="8" fill="#556">core ${core}</text>`);
      for (let t = 0; t < tpc; t++) {
        const cpu = core * tpc + t;
        const g = pinnedBy.get(cpu);
        const fill = g === undefined ? '#e3e7ec' : GUEST_COLORS[g % GUEST_COLORS.length];
        const tx = cx + CORE_PAD + t * THREAD;
        const ty = cy + 12 + CORE_PAD;
        parts.push(
          `<rect class="thread" x="${tx}" y="${ty}" width="${THREAD - 2}" height="${THREAD - 2}" fill="${fill}"><title>CPU ${cpu}${g === undefined ? '' : ` · guest ${esc(ws.guests[g].name)}`}</title></rect>`,
          `<text x="${tx + (THREAD - 2) / 2}" y="${ty + 14}" font-size="8" text-anchor="middle" fill="${g === undefined ? '#333' : '#fff'}">${cpu}</text>`,
        );
      }
    }
    parts.push('</g>');
    coreBase += s.cores;
    x += w + 12;
    maxH = Math.max(maxH, h);
  });
  let y = maxH + 24;
  const width = Math.max(x, 420);
  ws.guests.forEach((g, gi) => {
    const vcpus = g.smp.sockets * g.smp.cores * g.smp.threads;
    const pins = g.vcpupin.length ? `${g.vcpupin.length} of ${vcpus} vCPUs pinned` : 'vCPUs unpinned (float over all host CPUs)';
    const color = GUEST_COLORS[gi % GUEST_COLORS.length];
    parts.push(
      `<g class="guest"><rect x="10" y="${y}" width="${width - 20}" height="34" rx="5" fill="#fff" stroke="${color}" stroke-width="2"/>`,
      `<rect x="16" y="${y + 9}" width="16" height="16" fill="${color}"/>`,
      `<text x="40" y="${y + 15}" font-size="12" font-weight="bold">guest ${esc(g.name)}</text>`,
      `<text x="40" y="${y + 28}" font-size="10">${vcpus} vCPUs (sockets=${g.smp.sockets}, cores=${g.smp.cores}, threads=${g.smp.threads}) · ${esc(formatSize(g.memoryBytes))} · mmu ${esc(g.mmu)}${g.ksm ? ' · KSM' : ''}${g.thp ? ' · THP' : ''} · ${esc(pins)}</text></g>`,
    );
    y += 42;
  });
  const height = y + 6;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="topology" role="img" aria-label="host topology" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">${parts.join('')}</svg>`;
}
