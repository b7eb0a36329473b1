import type { Command } from 'commander';
import fs from 'node:fs';
import { formatXxd } from '../../../src-common/hex/xxd';
import { MS, parseDuration } from '../../../src-common/parse/duration';
import type { Workspace } from '../../../src-common/workspace';
import { ParamError } from '../../engine/core';
import { AieError, MEM_KINDS, type Location, type MemKind } from '../../engine/aie';
import { buildAieSimulation } from '../../engine/run/devices';
import { loadWorkspace } from '../../host/workspace/load';
import { CliError } from '../errors';
import { COMMANDS } from '../command-list';

export interface AieDumpRequest {
  tile: string;
  mem: string;
  /** Simulated time to run first (default 1ms). */
  after?: string;
  seed?: string;
}

/**
 * Runs a workspace's AI Engine model for the requested time and returns the bytes of one
 * tile memory. Every bad input is a CliError naming the option.
 */
export function aieDumpBytes(ws: Workspace, ref: string, req: AieDumpRequest): Uint8Array {
  const aie = ws.devices.aie;
  if (!aie) throw new CliError(`${ref}: the workspace has no AI Engine array (devices.aie is null)`);
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(req.tile);
  if (!m) throw new CliError(`--tile: expected C,R (column,row, e.g. 2,1), got '${req.tile}'`);
  const loc: Location = { col: Number(m[1]), row: Number(m[2]) };
  if (!MEM_KINDS.includes(req.mem as MemKind)) throw new CliError(`--mem: expected data or program, got '${req.mem}'`);
  let afterNs = MS;
  if (req.after !== undefined) {
    try {
      afterNs = parseDuration(req.after);
    } catch (e) {
      throw new CliError(`--after: ${(e as Error).message}`);
    }
  }
  const seed = Number(req.seed ?? 1);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new CliError(`--seed: expected a non-negative integer, got '${req.seed}'`);
  let built;
  try {
    built = buildAieSimulation(ws, seed);
  } catch (e) {
    if (e instanceof ParamError) throw new CliError(`${ref}: params: ${e.message}`);
    throw e;
  }
  const { sim, aie: model } = built;
  let memory;
  try {
    memory = model.array.tile(loc).memory(req.mem as MemKind);
  } catch (e) {
    if (e instanceof AieError) throw new CliError(`--tile ${req.tile}: ${e.message.replace(/ \(-E\w+\)$/, '')}`);
    throw e;
  }
  sim.runUntil(afterNs);
  return memory.snapshot();
}

export function registerAie(program: Command): void {
  const aie = program.command('aie').description(COMMANDS.aie.description);
  aie
    .command('dump')
    .description("run a workspace's AI Engine model, then print one tile memory in xxd's format")
    .argument('<workspace>', 'workspace JSON file or builtin:NAME')
    .requiredOption('--tile <C,R>', 'the core tile, column,row (row 0 is the SHIM row: no memory)')
    .requiredOption('--mem <data|program>', 'which memory: data (32 KiB) or program (16 KiB)')
    .option('--after <duration>', 'simulated time to run first (ns us ms s …)', '1ms')
    .option('--raw <file>', 'also write the raw bytes to FILE')
    .option('--seed <n>', 'PRNG seed', '1')
    .action((ref: string, opts: { tile: string; mem: string; after: string; raw?: string; seed: string }) => {
      const bytes = aieDumpBytes(loadWorkspace(ref), ref, opts);
      if (opts.raw) fs.writeFileSync(opts.raw, bytes);
      // `twb aie dump … | head` closes the pipe early; that is not an error.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EPIPE') throw e;
      });
      process.stdout.write(formatXxd(bytes));
    });
}
