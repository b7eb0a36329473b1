import { describe, expect, test } from 'vitest';
import cytoscape from 'cytoscape';
import { projectWorkspace } from './projection';
import { isPainted, rectLook, topologyStyle, type Theme } from './style';
import { bigWorkspace, devicesWorkspace, labX86Workspace, seedWorkspace } from './dev/cases';

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
/** Cytoscape's parsed style of an element (`pstyle`, which its typings leave out). */
const pstyle = (n: unknown, name: string) => (n as { pstyle(p: string): { value: unknown; pfValue: number } }).pstyle(name);

// The scene layer paints a workspace's first frame from rectLook; Cytoscape draws every later
// one from the stylesheet. Both must give each node the same look, or the drawing changes the
// moment Cytoscape takes the nodes over.
describe('scene layer: rectLook is the stylesheet, node by node', () => {
  const cases = { seed: seedWorkspace(), big: bigWorkspace(), devices: devicesWorkspace(), x86: labX86Workspace() };
  for (const theme of ['light', 'dark'] as Theme[])
    for (const [name, ws] of Object.entries(cases))
      test(`${name}, ${theme}`, () => {
        const elements = projectWorkspace(ws).elements;
        const cy = cytoscape({ headless: true, styleEnabled: true, style: topologyStyle(theme, 'logical'), elements });
        const painted = elements.filter(isPainted);
        expect(painted.length).toBeGreaterThan(0);
        for (const e of painted) {
          const n = cy.getElementById(e.data.id!);
          const look = rectLook(theme, String(e.data.kind), typeof e.classes === 'string' ? e.classes.split(' ') : [], e.data.colour as string | undefined);
          const want = {
            shape: 'rectangle',
            fill: pstyle(n, 'background-color').value,
            fillOpacity: pstyle(n, 'background-opacity').value,
            stroke: pstyle(n, 'border-color').value,
            width: pstyle(n, 'border-width').pfValue,
            dashed: pstyle(n, 'border-style').value === 'dashed',
            z: pstyle(n, 'z-index').value,
            shown: n.visible() && pstyle(n, 'opacity').value === 1,
          };
          expect({ id: e.data.id, ...look, fill: rgb(look.fill), stroke: rgb(look.stroke), shape: pstyle(n, 'shape').value, shown: true }).toEqual({ id: e.data.id, ...want });
        }
        cy.destroy();
      });

  test('what it does not paint is what it could not: rounded and double-bordered nodes, edges', () => {
    const elements = projectWorkspace(devicesWorkspace()).elements;
    const cy = cytoscape({ headless: true, styleEnabled: true, style: topologyStyle('light', 'logical'), elements });
    const left = elements.filter((e) => !isPainted(e) && e.group === 'nodes');
    expect(left.length).toBeGreaterThan(0);
    for (const e of left) {
      const n = cy.getElementById(e.data.id!);
      expect([pstyle(n, 'shape').value !== 'rectangle', pstyle(n, 'border-style').value === 'double']).toContain(true);
    }
    cy.destroy();
  });
});
