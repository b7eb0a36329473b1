import { describe, expect, it } from 'vitest';
import { overlayOf, shadeColour } from './overlay';
import { hslToHex, overlayToSvg } from './overlay-svg';

describe('the overlay in the SVG export', () => {
  // CPUs 0..3 in a row of 50 × 24 boxes: 0 spins on a lost IPI to 2, 1 spins on a lock 3 holds.
  const o = overlayOf(
    { state: ['spinning', 'spinning', 'guest', 'idle'], busy: [1, 1, 0.5, 0] },
    new Map([
      [0, 'csd_lock_wait(cpu 2)'],
      [1, 'spinlock L held by CPU 3'],
    ]),
  );
  const boxOf = (cpu: number) => (cpu < 4 ? { x: cpu * 60, y: 0, w: 50, h: 24 } : null);
  const svg = overlayToSvg(o, boxOf, (cpu) => `PU <${cpu}>`);

  it('draws the fills with the labels on top, the outlines and the arrows, in model units', () => {
    expect(svg.startsWith('<g data-layer="run-overlay">')).toBe(true);
    expect(svg).toContain(`<rect x="1" y="1" width="48" height="22" fill="${hslToHex(shadeColour(7, 'light'))}"/>`);
    expect(svg).toContain('>PU &lt;3&gt;</text>');
    // Spinning CPUs orange (3 wide), holders purple (4), the guest CPU a blue double outline.
    expect(svg).toContain('<rect x="-1.5" y="-1.5" width="53" height="27" fill="none" stroke="#f97316" stroke-width="3"/>');
    expect(svg.match(/stroke="#7c3aed" stroke-width="4"/g)).toHaveLength(2);
    expect(svg).not.toContain("#2563eb"); // CPU 2 is a holder (lost CALL_FUNCTION): that mark wins
    // The lost IPI: a solid red line from CPU 0's right edge toward CPU 2, and its head.
    expect(svg).toMatch(/<line x1="50" y1="12" x2="[\d.]+" y2="12" stroke="#dc2626" stroke-width="3"\/>/);
    expect(svg).toContain('<polygon points="120,12 ');
    expect(svg).toMatch(/stroke="#f97316" stroke-width="2" stroke-dasharray="6 4"/);
  });

  it('is empty without anything to draw, and skips CPUs not on the drawing', () => {
    expect(overlayToSvg(overlayOf({ state: [], busy: [] }, new Map()), boxOf, String)).toBe('');
    const far = overlayOf({ state: ['idle', 'idle', 'idle', 'idle', 'spinning'], busy: [0, 0, 0, 0, 1] }, new Map([[4, 'csd_lock_wait(cpu 0)']]));
    expect(overlayToSvg(far, boxOf, String)).not.toContain('#dc2626');
  });

  it('writes the shades as hex colours', () => {
    expect(hslToHex('hsl(0, 100%, 50%)')).toBe('#ff0000');
    expect(hslToHex('hsl(185, 60%, 96%)')).toBe('#effafb');
    expect(hslToHex('#123456')).toBe('#123456');
  });
});
