import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store';
import { loadWorkspace } from '../workspace/load';
import { createSweep, runSweep, type SweepRequest } from './coordinator';
import { parseVary } from './grid';
import { LocalExecutor } from './local-executor';
import { PREFIX, QueueExecutor, queueConnection, RUNS_QUEUE } from './queue';
import { spawnQueueWorker, startRedis, testRedis, type TestRedis } from './test-redis';

describe('queueConnection', () => {
  it('takes host, port, database, user and password from the URL or the environment, and never shows the password', () => {
    const c = queueConnection('redis://sweeper:p%40ss@10.0.0.5:6380/2');
    expect(c.options).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2, username: 'sweeper', password: 'p@ss' });
    expect(c.label).toBe('redis://sweeper@10.0.0.5:6380/2');
    const e = queueConnection('redis://queue.lab', { TWB_REDIS_USERNAME: 'u', TWB_REDIS_PASSWORD: 'secret' });
    expect(e.options).toMatchObject({ host: 'queue.lab', port: 6379, username: 'u', password: 'secret' });
    expect(e.label).not.toContain('secret');
    expect(queueConnection('rediss://h:6390').options.tls).toMatchObject({ servername: 'h' });
  });
  it('names what is wrong', () => {
    expect(() => queueConnection('http://h:6379')).toThrow(/--queue: expected a redis:\/\/ or rediss:\/\/ URL, got http:\/\//);
    expect(() => queueConnection('nonsense')).toThrow(/--queue: expected redis:\/\/HOST:PORT/);
    expect(() => queueConnection('redis://h:6379/x')).toThrow(/--queue: expected a database number/);
    expect(() => queueConnection('redis://h:6379?a=1')).toThrow(/--queue: the URL takes no query/);
    expect(() => queueConnection('rediss://h', { TWB_REDIS_TLS_CA: '/no/such/ca.pem' })).toThrow(/TWB_REDIS_TLS_CA: cannot read \/no\/such\/ca.pem: ENOENT/);
  });
});

describe('sweeps on a Redis queue', () => {
  let redis: TestRedis;
  let admin: Redis;
  const user = { name: 'twb-test-sweeper', password: 'sw33p-secret' };
  const workers: ChildProcess[] = [];
  const stores: Store[] = [];

  beforeAll(async () => {
    redis = await testRedis();
    admin = new Redis(redis.url, { maxRetriesPerRequest: null });
    // An ACL user limited to the workbench's keys, as a shared Redis would have.
    await admin.call('ACL', 'SETUSER', user.name, 'reset', 'on', `>${user.password}`, '~twb:*', '&*', '+@all');
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    for (const s of stores) s.close();
    await new Queue(RUNS_QUEUE, { connection: admin, prefix: PREFIX }).obliterate({ force: true });
    await admin.call('ACL', 'DELUSER', user.name);
    await admin.quit();
    await redis.stop();
  });

  it('refuses a wrong password with the reason', async () => {
    const port = new URL(redis.url).port;
    await expect(QueueExecutor.open(queueConnection(`redis://${user.name}:wrong@127.0.0.1:${port}`))).rejects.toThrow(
      new RegExp(`cannot use Redis at redis://${user.name}@127.0.0.1:${port}: WRONGPASS`),
    );
  });

  it('runs a sweep through two workers, one killed mid-run, and stores what a local sweep stores, byte for byte', { timeout: 300_000 }, async () => {
    const workspace = loadWorkspace('builtin:seed-power9-ipi');
    const req: SweepRequest = { workspaceName: workspace.name, workspace, seeds: '1..4', axes: [parseVary('kernel.barriers=none,both')], set: {}, durationNs: 72000e9, until: null };
    const port = new URL(redis.url).port;

    // Worker A is killed with SIGKILL the moment it reports a run started (in the stderr handler, not on a poll that
    // could come after the run ended). A 20 h run takes ~0.2–0.9 s of CPU, far longer than reading one line.
    let aKilled!: () => void;
    const killed = new Promise<void>((resolve) => (aKilled = resolve));
    const startWorker = (onLine?: (l: string) => void) => {
      const w = spawnQueueWorker(`redis://127.0.0.1:${port}`, ['--concurrency', '1', '--lock-duration', '4s'], { TWB_REDIS_USERNAME: user.name, TWB_REDIS_PASSWORD: user.password }, onLine);
      workers.push(w.child);
      return w;
    };
    const a = startWorker((l) => {
      if (!/ started /.test(l)) return;
      a.child.kill('SIGKILL');
      aKilled();
    });
    const b = startWorker();

    const queued = openStore(':memory:');
    stores.push(queued);
    const executor = await QueueExecutor.open(queueConnection(`redis://${user.name}:${user.password}@127.0.0.1:${port}`));
    const sweep = createSweep(queued, req, executor.label);
    expect(sweep.queue).toBe(`redis://${user.name}@127.0.0.1:${port}`);
    const running = runSweep(queued, sweep, executor);
    await Promise.race([killed, a.closed.then(() => Promise.reject(new Error(`worker A exited before it started a run: ${a.lines.join('\n')}`)))]);
    await a.closed;
    expect(a.child.signalCode).toBe('SIGKILL');
    // The run A had in hand when it died: started, never finished (read after A's last output arrived).
    const jobOf = (l: string, kind: string) => new RegExp(` ${kind} (\\S+) `).exec(l)?.[1];
    const aFinished = new Set(a.lines.map((l) => jobOf(l, 'finished')));
    const inHand = a.lines.map((l) => jobOf(l, 'started')).filter((id): id is string => !!id && !aFinished.has(id));
    expect(inHand, a.lines.join('\n')).toHaveLength(1);
    const inHandId = inHand[0];

    const ended = await running.finally(() => executor.close());
    expect(ended.status, [...a.lines, '---', ...b.lines].join('\n')).toBe('finished');
    // The killed run was retried by B and stored once.
    expect(b.lines.some((l) => l.includes(`finished ${inHandId}`))).toBe(true);
    const rows = queued.sweeps.runs(sweep.id);
    expect(rows).toHaveLength(8);
    expect(queued.runs.list()).toHaveLength(8);
    const killedRow = rows.find((r) => inHandId.endsWith(`-${r.seed}`) && inHandId.startsWith(`${sweep.uuid}-${r.config.includes('none') ? 0 : 1}-`));
    expect(killedRow?.worker).toMatch(new RegExp(`pid ${b.child.pid}$`));

    const local = openStore(':memory:');
    stores.push(local);
    const pool = new LocalExecutor(2);
    const localSweep = await runSweep(local, createSweep(local, req, pool.label), pool).finally(() => pool.close());
    const text = (s: Store, id: number) => s.sweeps.runs(id).map((r) => `${r.config} ${r.seed} ${r.resultJson}`);
    expect(text(queued, sweep.id)).toEqual(text(local, localSweep.id));

    b.child.kill('SIGTERM');
    await b.closed;
    expect(b.lines.join('\n')).toMatch(/finishing the runs in hand/);
  });
});

describe('sweeps on a Redis queue over TLS', () => {
  it('connect with the CA and a client certificate from the environment, and say why without them (docs/sweeps.md setup)', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-tls-'));
    const f = (n: string) => path.join(dir, n);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    // The documented setup: a CA, a server certificate for the address workers dial, a client certificate.
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=twb test CA');
    for (const [name, cn, ext] of [['redis', '127.0.0.1', 'subjectAltName=IP:127.0.0.1'], ['client', 'twb-worker', 'extendedKeyUsage=clientAuth']]) {
      fs.writeFileSync(f(`${name}.ext`), `${ext}\n`);
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
    }
    const redis = await startRedis({ cert: f('redis.crt'), key: f('redis.key'), ca: f('ca.crt') });
    try {
      const env = { TWB_REDIS_TLS_CA: f('ca.crt'), TWB_REDIS_TLS_CERT: f('client.crt'), TWB_REDIS_TLS_KEY: f('client.key') };
      const ok = await QueueExecutor.open(queueConnection(redis.url, env));
      await ok.close();
      await expect(QueueExecutor.open(queueConnection(redis.url, {}))).rejects.toThrow(/cannot use Redis at rediss:\/\/127\.0\.0\.1:\d+: self-signed certificate in certificate chain/);
      await expect(QueueExecutor.open(queueConnection(redis.url, { TWB_REDIS_TLS_CA: env.TWB_REDIS_TLS_CA }))).rejects.toThrow(/cannot use Redis at rediss:\/\/127\.0\.0\.1:\d+: .*(certificate required|ECONNRESET|socket hang up|Connection is closed)/);
    } finally {
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
