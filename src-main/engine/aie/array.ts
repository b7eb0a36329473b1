import type { Simulation } from '../core';
import { AieError } from './errors';
import {
  DATA_MEM_OFFSET,
  DATA_MEM_SIZE,
  PROGRAM_MEM_OFFSET,
  PROGRAM_MEM_SIZE,
  TILE_SPACE,
  TileType,
  VC1902_COLUMNS,
  VC1902_ROWS,
  decodeAddress,
  hex,
  tileAddress,
  tileName,
  tileType,
  tileTypeName,
  type Location,
  type MemKind,
  type TileTypeValue,
} from './geometry';
import { AiePartition } from './partition';
import { CLKCNTR_COLBUF, CORE_STATUS, SHIMPL_CLKCNTR, SHIMPL_RESET, SHIMRST } from './registers';
import { TileCore, type CoreStats } from './core';
import { TileMemory, type MemCounters } from './tile-memory';

export interface AieArrayOptions {
  /** Default 50 (VC1902). */
  columns?: number;
  /** Including the SHIM row 0. Default 9 (VC1902: SHIM row + 8 core rows). */
  rows?: number;
  /** Per-tile memory sizes: override only to model another device or to test the page-alignment rule. */
  dataMemBytes?: number;
  programMemBytes?: number;
}

/** Where one kind of memory sits in every core tile. */
export interface MemLayout {
  kind: MemKind;
  offset: number;
  size: number;
}

/** What describe() returns: plain, serialisable data. */
export interface AieArrayView {
  columns: number;
  rows: number;
  partitions: { name: string; startCol: number; numCols: number }[];
  tiles: {
    col: number;
    row: number;
    type: 'TILE' | 'SHIMPL' | 'SHIMNOC';
    partition: string | null;
    clockOn: boolean;
    core: ({ status: number } & CoreStats) | null;
    data: MemCounters | null;
    program: MemCounters | null;
  }[];
}

/** One tile: its type, lazily allocated memories, its core and plain register storage. */
export class Tile {
  readonly type: TileTypeValue;
  readonly regs = new Map<number, number>();
  private mems: Partial<Record<MemKind, TileMemory>> = {};
  private _core: TileCore | null = null;

  constructor(
    readonly array: AieArray,
    readonly loc: Location,
  ) {
    this.type = tileType(loc);
  }

  get isCore(): boolean {
    return this.type === TileType.TILE;
  }

  /** The tile's memory of `kind`; SHIM tiles have none. */
  memory(kind: MemKind): TileMemory {
    if (!this.isCore) throw new AieError('EINVAL', `tile ${tileName(this.loc)} is a ${tileTypeName(this.loc)} tile: SHIM tiles have no memory`);
    return (this.mems[kind] ??= new TileMemory(this.array.layout[kind].size));
  }

  /** True once something touched the memory (untouched memory reads as zeros). */
  hasMemory(kind: MemKind): boolean {
    return this.mems[kind] !== undefined;
  }

  get core(): TileCore {
    if (!this.isCore) throw new AieError('EINVAL', `tile ${tileName(this.loc)} is a ${tileTypeName(this.loc)} tile: SHIM tiles have no core`);
    return (this._core ??= new TileCore(this.array, this));
  }

  get hasCore(): boolean {
    return this._core !== null;
  }
}

/**
 * The tile array: geometry, memories, registers, column clocks and SHIM reset, and the
 * partitions carved from it (seed ai-engine-part.c / ai-engine-reset.c / ai-engine-mem.c).
 */
export class AieArray {
  readonly columns: number;
  readonly rows: number;
  readonly layout: Record<MemKind, MemLayout>;
  private readonly tiles: Tile[];
  private readonly parts: AiePartition[] = [];

  constructor(
    readonly sim: Simulation,
    opts: AieArrayOptions = {},
  ) {
    this.columns = opts.columns ?? VC1902_COLUMNS;
    this.rows = opts.rows ?? VC1902_ROWS;
    if (!Number.isInteger(this.columns) || this.columns < 1 || this.columns > 128) throw new RangeError(`columns: expected 1..128, got ${this.columns}`);
    if (!Number.isInteger(this.rows) || this.rows < 1 || this.rows > 32) throw new RangeError(`rows: expected 1..32, got ${this.rows}`);
    this.layout = {
      data: { kind: 'data', offset: DATA_MEM_OFFSET, size: opts.dataMemBytes ?? DATA_MEM_SIZE },
      program: { kind: 'program', offset: PROGRAM_MEM_OFFSET, size: opts.programMemBytes ?? PROGRAM_MEM_SIZE },
    };
    this.tiles = [];
    for (let col = 0; col < this.columns; col++) for (let row = 0; row < this.rows; row++) this.tiles.push(new Tile(this, { col, row }));
  }

  contains(loc: Location): boolean {
    return Number.isInteger(loc.col) && Number.isInteger(loc.row) && loc.col >= 0 && loc.row >= 0 && loc.col < this.columns && loc.row < this.rows;
  }

  /** The tile at `loc`; a location outside the array is an error naming it. */
  tile(loc: Location): Tile {
    if (!this.contains(loc))
      throw new AieError('EINVAL', `tile ${tileName(loc)} is outside the ${this.columns}×${this.rows} array (columns 0..${this.columns - 1}, rows 0..${this.rows - 1})`);
    return this.tiles[loc.col * this.rows + loc.row];
  }

  get partitions(): readonly AiePartition[] {
    return this.parts;
  }

  /** The partition holding column `col`, if any. */
  partitionOf(col: number): AiePartition | undefined {
    return this.parts.find((p) => col >= p.startCol && col < p.startCol + p.numCols);
  }

  /**
   * Requests the columns startCol..startCol+numCols-1 (all rows). Refused (-EINVAL) when the
   * range leaves the array, (-EBUSY) when it overlaps a partition in use.
   */
  requestPartition(req: { startCol: number; numCols: number; name?: string }): AiePartition {
    const { startCol, numCols } = req;
    if (!Number.isInteger(startCol) || !Number.isInteger(numCols) || startCol < 0 || numCols < 1)
      throw new AieError('EINVAL', `invalid partition request: start column ${startCol}, ${numCols} columns`);
    const last = startCol + numCols - 1;
    if (last >= this.columns)
      throw new AieError('EINVAL', `invalid partition request: columns ${startCol}..${last} are outside the array (columns 0..${this.columns - 1})`);
    const clash = this.parts.find((p) => startCol <= p.startCol + p.numCols - 1 && p.startCol <= last);
    if (clash)
      throw new AieError('EBUSY', `partition request refused: columns ${startCol}..${last} overlap partition '${clash.name}' (columns ${clash.startCol}..${clash.startCol + clash.numCols - 1})`);
    const name = req.name ?? `aiepart_${startCol}_${numCols}`;
    if (this.parts.some((p) => p.name === name)) throw new AieError('EINVAL', `partition request refused: a partition named '${name}' exists`);
    const part = new AiePartition(this, name, startCol, numCols);
    this.parts.push(part);
    this.sim.trace.emit(this.sim.now, 'aie.partition.request', { name, startCol, numCols });
    for (let c = startCol; c <= last; c++) this.setColumnClock(c, true);
    return part;
  }

  /** Called by AiePartition.release after the clean. */
  forget(part: AiePartition): void {
    const i = this.parts.indexOf(part);
    if (i >= 0) this.parts.splice(i, 1);
  }

  // ---- register space ------------------------------------------------------------------

  /** Reads the 32-bit register or memory word at an array address (bounds and alignment checked). */
  readReg(address: number): number {
    const { tile, offset } = this.resolve(address);
    const mem = this.memAt(tile, offset);
    if (mem) return tile.memory(mem.kind).readWord(offset - mem.offset);
    if (tile.isCore && offset === CORE_STATUS) return tile.hasCore ? tile.core.status : 0;
    return tile.regs.get(offset) ?? 0;
  }

  writeReg(address: number, value: number): void {
    const { tile, offset } = this.resolve(address);
    const v = value >>> 0;
    const mem = this.memAt(tile, offset);
    if (mem) return tile.memory(mem.kind).writeWord(offset - mem.offset, v);
    if (tile.isCore && offset === CORE_STATUS) return; // read-only
    tile.regs.set(offset, v);
    if (tile.loc.row === 0 && offset === SHIMPL_CLKCNTR) this.clockChanged(tile.loc.col);
  }

  private resolve(address: number): { tile: Tile; offset: number } {
    if (!Number.isSafeInteger(address) || address < 0) throw new AieError('EINVAL', `invalid register address ${address}`);
    if (address % 4) throw new AieError('EINVAL', `register address ${hex(address)} is not 4-byte aligned`);
    const { col, row, offset } = decodeAddress(address);
    if (offset >= TILE_SPACE) throw new AieError('EINVAL', `register address ${hex(address)} is outside tile space`);
    return { tile: this.tile({ col, row }), offset };
  }

  private memAt(tile: Tile, offset: number): MemLayout | undefined {
    if (!tile.isCore) return undefined;
    return Object.values(this.layout).find((m) => offset >= m.offset && offset < m.offset + m.size);
  }

  // ---- column clocks and SHIM reset --------------------------------------------------------

  columnClockOn(col: number): boolean {
    return ((this.tile({ col, row: 0 }).regs.get(SHIMPL_CLKCNTR) ?? 0) & CLKCNTR_COLBUF) !== 0;
  }

  /** aie_part_set_cols_clkbuf for one column: sets or clears COLBUF in the SHIM's clock control. */
  setColumnClock(col: number, on: boolean): void {
    const t = this.tile({ col, row: 0 });
    const v = t.regs.get(SHIMPL_CLKCNTR) ?? 0;
    t.regs.set(SHIMPL_CLKCNTR, on ? v | CLKCNTR_COLBUF : v & ~CLKCNTR_COLBUF);
    this.clockChanged(col);
  }

  private clockChanged(col: number): void {
    const on = this.columnClockOn(col);
    this.sim.trace.emit(this.sim.now, on ? 'aie.clock.ungate' : 'aie.clock.gate', { col });
    if (on) for (let row = 1; row < this.rows; row++) {
      const t = this.tile({ col, row });
      if (t.hasCore) t.core.clockResumed();
    }
  }

  /**
   * aie_reset_shim: select the columns (SHIMPL reset bit), assert the SHIM reset — which
   * clears the selected SHIM tiles' registers except the selection and clock control — then
   * release it and deselect the columns.
   */
  resetShim(startCol: number, numCols: number): void {
    const cols = Array.from({ length: numCols }, (_, i) => startCol + i);
    for (const col of cols) this.tile({ col, row: 0 }).regs.set(SHIMPL_RESET, SHIMRST);
    this.sim.trace.emit(this.sim.now, 'aie.shim.reset', { startCol, numCols, state: 'assert' });
    for (const col of cols) {
      const regs = this.tile({ col, row: 0 }).regs;
      for (const off of [...regs.keys()]) if (off !== SHIMPL_RESET && off !== SHIMPL_CLKCNTR) regs.delete(off);
    }
    this.sim.trace.emit(this.sim.now, 'aie.shim.reset', { startCol, numCols, state: 'release' });
    for (const col of cols) this.tile({ col, row: 0 }).regs.set(SHIMPL_RESET, 0);
  }

  /**
   * Plain data for views (the AIE grid): every tile's type, partition, clock, core status and
   * memory counters. Untouched memories report zero counters without being allocated.
   */
  describe(): AieArrayView {
    const zero = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0 };
    return {
      columns: this.columns,
      rows: this.rows,
      partitions: this.parts.map((p) => ({ name: p.name, startCol: p.startCol, numCols: p.numCols })),
      tiles: this.tiles.map((t) => ({
        col: t.loc.col,
        row: t.loc.row,
        type: tileTypeName(t.loc),
        partition: this.partitionOf(t.loc.col)?.name ?? null,
        clockOn: this.columnClockOn(t.loc.col),
        core: t.isCore && t.hasCore ? { status: t.core.status, ...t.core.stats } : null,
        data: t.isCore && t.hasMemory('data') ? { ...t.memory('data').counters } : t.isCore ? { ...zero } : null,
        program: t.isCore && t.hasMemory('program') ? { ...t.memory('program').counters } : t.isCore ? { ...zero } : null,
      })),
    };
  }

  /** Array address of `offset` within `loc` (convenience for callers). */
  address(loc: Location, offset = 0): number {
    return tileAddress(loc, offset);
  }
}
