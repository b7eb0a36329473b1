/**
 * The slow reader of load.ts in a process of its own: `node --import tsx
 * test/reliability/slow-reader.ts PORT TOKEN [REQUESTS=300]` prints `{code, reason}`, the close
 * the client finally saw, as one JSON line. Its own process, because queueing its requests
 * blocks it for seconds — beside the measured clients, that counted as the host's stall.
 */
import { slowReader } from './load-lib';

const [port, token, requests] = process.argv.slice(2);
const r = await slowReader({ port: Number(port), token, requests: Number(requests ?? 300) });
console.log(JSON.stringify(r));
process.exit(0);
