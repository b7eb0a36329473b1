/** A count with its noun as a sentence reads it: `1 socket`, `2 sockets`, `1 NUMA node`, `3 vCPUs`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
