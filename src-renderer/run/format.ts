/** Simulated time and ETA as the run toolbar shows them. */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** Wall seconds left, rounded the way people read them. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'ETA —';
  if (seconds < 1) return 'ETA <1 s';
  if (seconds < 120) return `ETA ${Math.round(seconds)} s`;
  if (seconds < 7200) return `ETA ${Math.round(seconds / 60)} min`;
  return `ETA ${(seconds / 3600).toFixed(1)} h`;
}

/** Speeds offered by the toolbar: simulated seconds per wall second (null = as fast as possible). */
export const SPEEDS: { label: string; value: number | null }[] = [
  { label: 'max', value: null },
  { label: '1 s/s (real time)', value: 1 },
  { label: '10 s/s', value: 10 },
  { label: '1 min/s', value: 60 },
  { label: '10 min/s', value: 600 },
  { label: '1 h/s', value: 3600 },
];
