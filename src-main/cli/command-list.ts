/**
 * The top-level commands: what `twb --help` lists, without loading any command's module (each
 * pulls in its dependencies — SQLite, zod, the sweep queue — which costs more than the whole
 * listing). Each command takes its description from here; `term` is how the list shows its
 * arguments, and cli/main.test.ts checks both against the real commands.
 */
export const COMMANDS = {
  info: { term: 'info [options] <workspace>', description: 'print the topology of a workspace: sockets, cores, threads, NUMA nodes, memory, guests' },
  run: { term: 'run [options] [workspace]', description: 'run a workspace headless: simulate, print a summary, optionally write it as JSON or store it' },
  runs: { term: 'runs', description: 'stored simulation runs' },
  report: { term: 'report [options] <run-id> [run-id2]', description: 'write a report of a stored run, or of two runs with a comparison: self-contained HTML, JSON with everything, or CSV of the time series' },
  params: { term: 'params [options]', description: "list the model parameters 'twb run --set KEY=VALUE' accepts: key, unit, default, meaning, source" },
  'stress-check': { term: 'stress-check [options] [args...]', description: "parse a stress 1.0.7 command line as stress does; print its 'dispatching hogs' line or its error" },
  explore: { term: 'explore', description: 'exhaustive exploration under the POWER memory model' },
  import: { term: 'import', description: 'import a host topology (hwloc) or a guest (libvirt) into a workspace' },
  export: { term: 'export', description: 'export a workspace host as hwloc XML or a guest as libvirt domain XML' },
  serve: { term: 'serve [options]', description: 'browser mode: serve the app on 127.0.0.1 and print its URL (with a fresh access token)' },
  aie: { term: 'aie', description: 'AI Engine tile array: inspect tile memories' },
  dmabuf: { term: 'dmabuf', description: 'the dma-buf framework: exporters, importers, fences, ticketed reservations' },
  mhi: { term: 'mhi', description: 'MHI controllers and the UCI loopback client (docs/architecture.md §3.5)' },
  sweep: { term: 'sweep [options] [workspace]', description: 'run a workspace over many seeds and configurations; per configuration: P(lockup) with a 95% Wilson interval, lost IPIs per hour, first-lockup quartiles, Kaplan–Meier curves' },
  sweeps: { term: 'sweeps', description: 'stored sweeps (twb sweep)' },
  worker: { term: 'worker [options]', description: 'take sweep runs from a Redis queue (twb sweep --queue), simulate them and return their results, until stopped (Ctrl-C finishes the runs in hand; twice stops at once)' },
} as const;

export type CommandName = keyof typeof COMMANDS;
