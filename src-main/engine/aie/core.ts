import { Priority, type EventHandle } from '../core';
import type { AieArray, Tile } from './array';
import { hex, tileName } from './geometry';
import { DIRECTION_DELTA, INSTRUCTION_BYTES, decodeInstruction, type Instruction } from './program';
import { CORE_STATUS_BUSY, CORE_STATUS_ERROR, CORE_STATUS_STALLED } from './registers';
import type { TileMemory } from './tile-memory';

type Kernel = Exclude<Instruction, { op: 'halt' }>;

interface Running {
  pc: number;
  ins: Kernel;
  /** Where the output goes: this tile's data memory, or the neighbour's for a copy. */
  out: TileMemory;
  done: number;
  /** Time and cycle count the current timing is reckoned from (reset after a clock stall). */
  baseNs: number;
  baseCycles: number;
  cycles: number;
}

export interface CoreStats {
  kernels: number;
  errors: number;
  words: number;
}

/**
 * A tile's core: runs launched kernels one at a time, in launch order. Each kernel is one
 * instruction fetched from program memory at its pc (program.ts); its words are processed in
 * chunks, each chunk an event at the simulated time its cycles take, reading and writing
 * through the tiles' TileMemory (counted there). A gated column clock stalls the core until
 * the clock is enabled again; a released partition halts it.
 */
export class TileCore {
  private readonly queue: number[] = [];
  private running: Running | null = null;
  private stalled = false;
  private lastError = false;
  /** The running kernel's next chunk, until it runs (halt cancels it). */
  private chunk: EventHandle | null = null;
  readonly stats: CoreStats = { kernels: 0, errors: 0, words: 0 };

  constructor(
    private readonly array: AieArray,
    private readonly tile: Tile,
  ) {}

  /** The model's CORE_STATUS register (registers.ts). */
  get status(): number {
    return (this.running ? CORE_STATUS_BUSY : 0) | (this.stalled ? CORE_STATUS_STALLED : 0) | (this.lastError ? CORE_STATUS_ERROR : 0);
  }

  get busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  /** Starts the instruction at `pc` in program memory now, or after the kernels before it. */
  launch(pc: number): void {
    this.queue.push(pc);
    if (!this.running) this.next();
  }

  /** Drops the running and queued kernels (partition release). */
  halt(): void {
    if (this.chunk !== null) this.array.sim.cancel(this.chunk);
    this.chunk = null;
    this.queue.length = 0;
    this.running = null;
    this.stalled = false;
  }

  clockResumed(): void {
    if (!this.stalled || !this.running) return;
    this.stalled = false;
    const sim = this.array.sim;
    this.running.baseNs = sim.now;
    this.running.baseCycles = this.running.cycles;
    sim.trace.emit(sim.now, 'aie.core.resume', { tile: tileName(this.tile.loc) });
    this.scheduleChunk();
  }

  private next(): void {
    const sim = this.array.sim;
    this.running = null;
    while (this.queue.length) {
      const pc = this.queue.shift()!;
      const started = this.start(pc);
      if (started) {
        this.running = started;
        sim.trace.emit(sim.now, 'aie.kernel.start', { tile: tileName(this.tile.loc), pc, op: started.ins.op, words: started.ins.words });
        this.scheduleChunk();
        return;
      }
    }
  }

  /** Fetches and checks the instruction at `pc`; null when it halts or is refused. */
  private start(pc: number): Running | null {
    const sim = this.array.sim;
    const prog = this.tile.memory('program');
    if (pc % 4 || pc < 0 || pc + INSTRUCTION_BYTES > prog.size) {
      this.fail(pc, `pc ${hex(pc)} is outside program memory`);
      return null;
    }
    const words = [0, 4, 8, 12].map((o) => prog.readWord(pc + o));
    const ins = decodeInstruction(words);
    if ('error' in ins) {
      this.fail(pc, ins.error);
      return null;
    }
    if (ins.op === 'halt') {
      sim.trace.emit(sim.now, 'aie.kernel.halt', { tile: tileName(this.tile.loc), pc });
      return null;
    }
    const data = this.tile.memory('data');
    let out = data;
    const ranges: [string, number][] = [['dst', ins.dst]];
    if (ins.op === 'copy') {
      ranges.push(['src', ins.src]);
      const { dc, dr } = DIRECTION_DELTA[ins.to];
      const loc = { col: this.tile.loc.col + dc, row: this.tile.loc.row + dr };
      const mine = this.array.partitionOf(this.tile.loc.col);
      if (!this.array.contains(loc) || loc.row < 1 || this.array.partitionOf(loc.col) !== mine) {
        this.fail(pc, `copy to the ${ins.to} neighbour ${tileName(loc)}: no core tile there in this partition`);
        return null;
      }
      out = this.array.tile(loc).memory('data');
    }
    if (ins.op === 'vadd') ranges.push(['a', ins.a], ['b', ins.b]);
    for (const [what, off] of ranges) {
      if (off % 4 || off + 4 * ins.words > data.size) {
        this.fail(pc, `${ins.op} ${what} range ${hex(off)} + ${ins.words} words is outside data memory or unaligned`);
        return null;
      }
    }
    const launch = sim.params.get('aie.kernel.launchCycles');
    return { pc, ins, out, done: 0, baseNs: sim.now, baseCycles: 0, cycles: launch };
  }

  private fail(pc: number, why: string): void {
    const sim = this.array.sim;
    this.stats.errors++;
    this.lastError = true;
    sim.trace.emit(sim.now, 'aie.core.error', { tile: tileName(this.tile.loc), pc, why });
    sim.printk(`aie: tile ${tileName(this.tile.loc)}: illegal instruction at pc ${hex(pc)}: ${why}`);
  }

  private scheduleChunk(): void {
    const run = this.running!;
    const sim = this.array.sim;
    const n = Math.min(sim.params.get('aie.kernel.chunkWords'), run.ins.words - run.done);
    const cycles = run.cycles + n * sim.params.get('aie.kernel.cyclesPerWord');
    const at = run.baseNs + Math.round(((cycles - run.baseCycles) * 1e9) / sim.params.get('aie.clockHz'));
    this.chunk = sim.at(at, Priority.DEFAULT, () => {
      this.chunk = null;
      if (!this.array.columnClockOn(this.tile.loc.col)) {
        this.stalled = true;
        sim.trace.emit(sim.now, 'aie.core.stall', { tile: tileName(this.tile.loc) });
        return;
      }
      this.work(run, n);
      run.cycles = cycles;
      if (run.done < run.ins.words) return this.scheduleChunk();
      this.stats.kernels++;
      this.lastError = false;
      sim.trace.emit(sim.now, 'aie.kernel.done', { tile: tileName(this.tile.loc), pc: run.pc, op: run.ins.op, words: run.ins.words });
      this.next();
    }, 'aie.kernel');
  }

  /** Processes words done..done+n-1 through the memories. */
  private work(run: Running, n: number): void {
    const data = this.tile.memory('data');
    const ins = run.ins;
    for (let i = run.done; i < run.done + n; i++) {
      const o = 4 * i;
      switch (ins.op) {
        case 'fill':
          data.writeWord(ins.dst + o, (ins.value + Math.imul(ins.step, i)) >>> 0);
          break;
        case 'copy':
          run.out.writeWord(ins.dst + o, data.readWord(ins.src + o));
          break;
        case 'vadd':
          data.writeWord(ins.dst + o, (data.readWord(ins.a + o) + data.readWord(ins.b + o)) >>> 0);
          break;
      }
    }
    run.done += n;
    this.stats.words += n;
  }
}
