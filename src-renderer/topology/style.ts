import type { Core, ElementDefinition, NodeSingular, StylesheetJson } from 'cytoscape';
import { LABEL_H } from './layout';

/**
 * The drawing's Cytoscape stylesheet, lstopo's palette (Package grey, Core darker grey,
 * PU white, NUMA node green) in a light and a dark variant. Box geometry comes from the
 * projection's data fields; this file only says how things look.
 */
export type Numbering = 'logical' | 'physical';
export type Theme = 'light' | 'dark';

const PALETTES = {
  light: {
    bg: '#ffffff', text: '#111111', machine: '#f6f6f6', package: '#dedede', numa: '#e2f2d8', core: '#bebebe', pu: '#ffffff',
    cache: '#ffffff', io: '#efefef', pci: '#dcdcdc',
    border: '#555555', guest: '#f3f6fb', device: '#fdf2d6', deviceBox: '#f7f4ec', warn: '#fcd34d', warnBorder: '#b45309', select: '#f59e0b', focus: '#1d4ed8', labelBackdrop: 'rgba(255,255,255,0.8)',
    tints: ['#dbeafe', '#ffedd5', '#dcfce7', '#f3e8ff', '#fef3c7', '#cffafe', '#ffe4e6', '#ecfccb'],
  },
  dark: {
    bg: '#1e1f22', text: '#e8e8e8', machine: '#26282c', package: '#34373c', numa: '#2c3a2a', core: '#474b52', pu: '#1c1d20',
    cache: '#2a2c30', io: '#2e3034', pci: '#3a3d42',
    border: '#9a9a9a', guest: '#242a33', device: '#3b3322', deviceBox: '#2a2824', warn: '#92400e', warnBorder: '#fbbf24', select: '#fbbf24', focus: '#60a5fa', labelBackdrop: 'rgba(30,31,34,0.8)',
    tints: ['#1e3a5f', '#4a2a14', '#183d26', '#3b2452', '#44330f', '#103c44', '#4a1c26', '#2c3d14'],
  },
} as const;

/** How a rectangle node looks: what the scene layer (scene-layer.ts) paints for it. */
export interface RectLook {
  fill: string;
  /** background-opacity (AI Engine partition bars are translucent). */
  fillOpacity: number;
  stroke: string;
  width: number;
  dashed: boolean;
  /** The node's z-index: the scene layer paints in this order, as Cytoscape stacks them. */
  z: number;
}

/** The node's own data(colour) (its guest's, its partition's): a look field that says so takes it. */
const OWN = 'data(colour)';

/** A stylesheet rule as a look: the fields it sets (OWN: data(colour)), and what else it sets (label font, events). */
interface RectRule {
  look: Partial<RectLook>;
  more?: Record<string, string | number>;
}

/**
 * The rectangle nodes' look, one table for both the stylesheet (topologyStyle) and the scene
 * layer (rectLook): the look of every node, then of each rectangle kind (the node's first
 * class), then of states, each a set of classes (a later one wins, as in the stylesheet).
 */
function rectRules(theme: Theme) {
  const p = PALETTES[theme];
  const node: RectLook = { fill: p.pu, fillOpacity: 1, stroke: p.border, width: 1, dashed: false, z: 40 };
  // Stacking by depth: boxes under their contents, pin edges (z 35) above cores but under threads.
  const kinds: Record<string, RectRule> = {
    machine: { look: { fill: p.machine, z: 0 }, more: { 'font-size': 12 } },
    package: { look: { fill: p.package, z: 10 } },
    numa: { look: { fill: p.numa, z: 20 }, more: { 'font-weight': 'normal' } },
    core: { look: { fill: p.core, z: 30 }, more: { 'font-weight': 'normal', 'font-size': 10 } },
    pu: { look: {} },
    guest: { look: { fill: p.guest, stroke: OWN, z: 0 } },
    vcpu: { look: { stroke: OWN, dashed: true } },
    // lstopo's caches: white bars across the cores they serve; I/O: host bridge > PCI function > OS device.
    cache: { look: { fill: p.cache, z: 25 }, more: { 'font-size': 9 } },
    hostbridge: { look: { fill: p.io, z: 12 }, more: { 'font-weight': 'normal' } },
    pcibridge: { look: { fill: p.io, z: 14 }, more: { 'font-weight': 'normal' } },
    pci: { look: { fill: p.pci, z: 16 }, more: { 'font-weight': 'normal', 'font-size': 9 } },
    osdev: { look: { fill: p.pu, z: 40 }, more: { 'font-size': 9 } },
    // Devices: the AI Engine array (a bar per partition over its columns) and the dma-buf graph's box.
    aie: { look: { fill: p.deviceBox, z: 0 } },
    dmabuf: { look: { fill: p.deviceBox, z: 0 } },
    'aie-part': { look: { fill: OWN, fillOpacity: theme === 'light' ? 0.18 : 0.45, stroke: OWN, width: 2 } },
    'aie-col': { look: { fill: p.deviceBox, stroke: p.border, width: 0.5 }, more: { 'font-size': 8, events: 'no' } },
  };
  // A pinned thread is tinted with the colour of (the first) guest pinning it; a pinned vCPU's border is solid.
  const pinned: { classes: string[]; rule: RectRule }[] = [
    { classes: ['pu', 'pinned'], rule: { look: { stroke: OWN } } },
    ...p.tints.map((tint, i) => ({ classes: ['pu', 'pinned', `g${i}`], rule: { look: { fill: tint } } })),
    { classes: ['vcpu', 'pinned'], rule: { look: { dashed: false } } },
  ];
  // Last in the stylesheet: a warning wins over every other look.
  const warn = { classes: ['warn'], rule: { look: { fill: p.warn, stroke: p.warnBorder } } };
  return { node, kinds, pinned, warn };
}

/** The table for each theme, built once. */
const RULES = { light: rectRules('light'), dark: rectRules('dark') };

/** A rule of the table as Cytoscape style properties. */
function ruleStyle({ look, more }: RectRule): Record<string, string | number> {
  const style: Record<string, string | number> = {};
  if (look.fill !== undefined) style['background-color'] = look.fill;
  if (look.fillOpacity !== undefined) style['background-opacity'] = look.fillOpacity;
  if (look.stroke !== undefined) style['border-color'] = look.stroke;
  if (look.width !== undefined) style['border-width'] = look.width;
  if (look.dashed !== undefined) style['border-style'] = look.dashed ? 'dashed' : 'solid';
  if (look.z !== undefined) style['z-index'] = look.z;
  return { ...style, ...more };
}

export function topologyStyle(theme: Theme, numbering: Numbering): StylesheetJson {
  const p = PALETTES[theme];
  const rules = RULES[theme];
  const label = `data(${labelField(numbering)})`;
  const ruleOf = (classes: string[], rule: RectRule) => ({ selector: `node.${classes.join('.')}`, style: ruleStyle(rule) });
  return [
    {
      selector: 'node',
      style: { shape: 'rectangle', width: 'data(w)', height: 'data(h)', 'z-index-compare': 'manual', ...ruleStyle({ look: rules.node }) },
    },
    // Zoomed out (below LOD_ZOOM, zoom.ts) Cytoscape draws no labels: the label layer
    // (label-layer.ts) draws them legibly at a fixed size; zoomed in, `.detail` (viewport.ts)
    // gives Cytoscape its labels. No label at all rather than a transparent one, and the text
    // properties only with it: Cytoscape measures every non-empty label for its bounds and styles
    // each property of each element before the first frame — for a big host fitted far below
    // LOD_ZOOM, a third of its first paint. A node's label at any zoom: shownLabel().
    {
      selector: 'node.detail',
      style: {
        label,
        color: p.text,
        'font-family': 'system-ui, sans-serif',
        'font-size': 10,
        'text-valign': 'center',
        'text-halign': 'center',
        'min-zoomed-font-size': 6,
      },
    },
    {
      selector: 'node.box.detail',
      style: {
        // A box's label sits in the band at its top, inside it, as lstopo draws it.
        'text-valign': 'top',
        'text-margin-y': LABEL_H - 1,
        'font-size': 11,
        'font-weight': 'bold',
      },
    },
    // The rectangles (rectRules), then the rounded device nodes and label placement.
    ...Object.entries(rules.kinds).map(([kind, rule]) => ruleOf([kind], rule)),
    ...rules.pinned.map(({ classes, rule }) => ruleOf(classes, rule)),
    { selector: 'node.mhi', style: { 'background-color': p.device, shape: 'round-rectangle', 'z-index': 40 } },
    { selector: 'node.label-right', style: { 'text-halign': 'right', 'text-margin-x': 4 } },
    { selector: 'node.label-left', style: { 'text-halign': 'left', 'text-margin-x': -4 } },
    { selector: 'node.dma-exporter, node.dma-importer', style: { 'background-color': p.device, shape: 'round-rectangle' } },
    { selector: 'node.dma-buffer', style: { 'background-color': p.pu, 'border-style': 'double', 'border-width': 3 } },
    ruleOf(rules.warn.classes, rules.warn.rule),
    {
      selector: 'edge.pin',
      style: {
        width: 1.2,
        'curve-style': 'straight',
        'line-color': 'data(colour)',
        opacity: 0.35,
        'target-arrow-shape': 'none',
        'z-index-compare': 'manual',
        'z-index': 35,
      },
    },
    {
      selector: 'edge.dma',
      style: {
        width: 1.5,
        // Right, down/up in the gap between the columns, right again: never across a box.
        'curve-style': 'taxi',
        'taxi-direction': 'rightward',
        'taxi-turn': '50%',
        'line-color': 'data(colour)',
        'target-arrow-shape': 'triangle',
        'target-arrow-color': 'data(colour)',
        'arrow-scale': 0.8,
        'z-index-compare': 'manual',
        'z-index': 35,
      },
    },
    { selector: 'edge.dma.warn', style: { 'line-style': 'dashed', 'line-color': p.warnBorder, 'target-arrow-color': p.warnBorder } },
    // Zoomed in (`.detail`, viewport.ts) Cytoscape draws every pin edge; zoomed out they would
    // run across the CPU numbers: only the selection's (`.lit`) are drawn.
    { selector: 'edge.pin', style: { display: 'none' } },
    { selector: 'edge.pin.detail', style: { display: 'element' } },
    // Pins of the selected guest / vCPUs stand out; the others step back.
    { selector: 'edge.pin.lit', style: { opacity: 1, width: 2, 'z-index': 38, display: 'element' } },
    { selector: 'edge.pin.dim', style: { opacity: 0.08 } },
    { selector: 'edge.ghost', style: { 'z-index-compare': 'manual', 'z-index': 60, width: 2, 'line-style': 'dashed', 'line-color': p.select, 'curve-style': 'straight', 'target-arrow-shape': 'triangle', 'target-arrow-color': p.select } },
    { selector: 'node.ghost', style: { width: 1, height: 1, opacity: 0, label: '', events: 'no' } },
    // The outline of a block being moved, where it would land.
    { selector: 'node.ghost-box', style: { 'z-index-compare': 'manual', 'z-index': 70, label: '', 'background-opacity': 0, 'border-width': 2, 'border-style': 'dashed', 'border-color': p.select, events: 'no' } },
    { selector: 'node.drop-target', style: { 'overlay-color': p.select, 'overlay-opacity': 0.35, 'overlay-padding': 2 } },
    { selector: 'node:selected', style: { 'overlay-color': p.select, 'overlay-opacity': 0.3, 'overlay-padding': 2 } },
    // The keyboard's focus ring (keyboard.ts): where arrows are, before Enter selects it.
    { selector: 'node.kbd-focus', style: { 'border-width': 3, 'border-style': 'solid', 'border-color': p.focus } },
    { selector: 'edge:selected', style: { opacity: 1, width: 2.5 } },
    { selector: '.faded', style: { opacity: 0.15 } },
  ];
}

export const canvasBackground = (theme: Theme) => PALETTES[theme].bg;

/** Node kinds that are plain rectangles (rectRules): the scene layer can paint them as the stylesheet would. */
export const RECT_KINDS: ReadonlySet<string> = new Set(Object.keys(RULES.light.kinds));

/** Whether the scene layer (scene-layer.ts) paints `e` in a workspace's first frame (a rectangle node) rather than Cytoscape. */
export const isPainted = (e: ElementDefinition) => e.group === 'nodes' && RECT_KINDS.has(String(e.data.kind));

/**
 * The look the stylesheet above gives a rectangle node of `kind` with `classes` and
 * data(colour) `colour`: the same rules (rectRules), read in the same order (scene-layer.test.ts
 * checks it against Cytoscape's computed style for every node of the example workspaces).
 */
export function rectLook(theme: Theme, kind: string, classes: readonly string[], colour: string | undefined): RectLook {
  const rules = RULES[theme];
  const look: RectLook = { ...rules.node };
  const apply = ({ look: set }: RectRule) => {
    for (const [k, v] of Object.entries(set) as [keyof RectLook, RectLook[keyof RectLook]][]) {
      // Cytoscape ignores data(colour) on a node without one.
      const value = v === OWN ? colour : v;
      if (value !== undefined) (look as unknown as Record<string, unknown>)[k] = value;
    }
  };
  const kindRule = rules.kinds[kind];
  if (kindRule) apply(kindRule);
  for (const { classes: want, rule } of [...rules.pinned, rules.warn]) if (want.every((c) => c === kind || classes.includes(c))) apply(rule);
  return look;
}

/** The label layer's colours: text, and the backdrop behind a box label drawn over the box's contents. */
export const labelColours = (theme: Theme) => ({ text: PALETTES[theme].text, backdrop: PALETTES[theme].labelBackdrop });

/** The data field a node's label comes from under a numbering (the projection's `labelL` / `labelP`). */
export const labelField = (numbering: Numbering) => (numbering === 'logical' ? 'labelL' : 'labelP');

/** Tells shownLabel() which numbering the drawing on `cy` shows (the canvas calls it when that changes). */
export function setShownNumbering(cy: Core, numbering: Numbering): void {
  cy.scratch('_twbLabelField', labelField(numbering));
}

/**
 * A node's label as the drawing shows it, at any zoom: Cytoscape's own `label` is empty below
 * LOD_ZOOM, where the label layer draws it from the same data field.
 */
export function shownLabel(n: NodeSingular): string {
  return String(n.data((n.cy().scratch('_twbLabelField') as string | undefined) ?? 'labelL') ?? '');
}
