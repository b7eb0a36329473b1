/**
 * Redis and queue workers for tests and benchmarks: the server CI started (TWB_TEST_REDIS_URL, see .ci/run), or
 * a private `redis-server` on a free 127.0.0.1 port that `stop()` ends. No persistence.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function testRedis(env: NodeJS.ProcessEnv = process.env): Promise<TestRedis> {
  if (env.TWB_TEST_REDIS_URL) {
    const url = env.TWB_TEST_REDIS_URL;
    return { url, port: Number(new URL(url).port || 6379), stop: async () => {} };
  }
  return startRedis();
}

/** A private `redis-server` on a free port; with `tls` (file paths), TLS only, clients must show a certificate. */
export async function startRedis(tls?: { cert: string; key: string; ca: string }): Promise<TestRedis> {
  const port = await freePort();
  const listen = tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'yes']
    : ['--port', String(port)];
  const child = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${out}`)), 10_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start redis-server (install Debian's redis-server): ${e.message}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (code ${code}):\n${out}`));
    });
  });
  return {
    url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface SpawnedWorker {
  child: ChildProcess;
  /** Its stderr so far, one entry per line (`started JOB …`, `finished JOB … in N s`). */
  lines: string[];
  /** Resolves once the worker takes jobs (it printed its banner). */
  ready: Promise<void>;
  /** Resolves once it has exited and everything it wrote is in `lines`. */
  closed: Promise<void>;
}

/**
 * `twb worker` as a child process, for tests and benchmarks. `onLine` sees each stderr line as it is read (a test
 * that must act the moment a run starts acts there, not on a poll that may come after the run ended).
 */
export function spawnQueueWorker(url: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, onLine?: (line: string) => void): SpawnedWorker {
  const twb = fileURLToPath(new URL('../../../bin/twb.js', import.meta.url));
  const child = spawn(process.execPath, [twb, 'worker', '--queue', url, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
      if (onLine) parts.forEach(onLine);
      if (parts.some((l) => l.startsWith('twb worker: taking sweep runs'))) resolve();
    });
    child.once('exit', (code) => reject(new Error(`twb worker exited (code ${code}): ${lines.join('\n')}`)));
  });
  ready.catch(() => {});
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, lines, ready, closed };
}
