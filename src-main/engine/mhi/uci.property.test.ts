import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENODEV, EPOLLERR, EPOLLIN, EPOLLOUT, EPOLLRDNORM, EPOLLWRNORM } from './errno';
import { harness, pattern } from './test-harness';

type Op = { kind: 'write'; n: number } | { kind: 'read'; n: number } | { kind: 'poll' } | { kind: 'remove' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), n: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('read' as const), n: fc.integer({ min: 0, max: 300 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'poll' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'remove' as const }) },
);

/**
 * The reference: a queue of received buffers. A write of n bytes becomes ceil(n / actual_mtu)
 * buffers (each UL piece is echoed into its own DL buffer); a read returns at most the rest of
 * the head buffer. Every op runs to completion (the simulation settles) before the next.
 */
describe('UCI file operations against a reference queue', () => {
  it('write/read/poll/remove sequences behave like the reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.constantFrom(64, 100, 132, 4096), fc.array(opArb, { maxLength: 40 }), (ring, mtu, ops) => {
        const h = harness({ ringSize: ring, mtu });
        const f = h.open();
        const actual = mtu - 32;
        const queue: Uint8Array[] = [];
        let removed = false;
        let written = 0;
        for (const op of ops) {
          if (op.kind === 'write') {
            const pieces = Math.ceil(op.n / actual);
            // a single-threaded client must not write more than the DL buffers can hold
            if (!removed && queue.length + pieces > ring - 1) continue;
            const data = pattern(op.n, written);
            const ret = h.value(f.write(data));
            if (removed) {
              expect(ret).toBe(-ENODEV);
              continue;
            }
            expect(ret).toBe(op.n);
            written += op.n;
            for (let off = 0; off < op.n; off += actual) queue.push(data.subarray(off, Math.min(op.n, off + actual)));
          } else if (op.kind === 'read') {
            if (!removed && queue.length === 0) continue; // would block forever in one thread
            const buf = new Uint8Array(op.n);
            const ret = h.value(f.read(buf));
            if (removed) {
              expect(ret).toBe(-ENODEV);
              continue;
            }
            const head = queue[0];
            const n = Math.min(op.n, head.length);
            expect(ret).toBe(n);
            expect(Buffer.compare(Buffer.from(buf.subarray(0, n)), Buffer.from(head.subarray(0, n)))).toBe(0);
            if (n === head.length) queue.shift();
            else queue[0] = head.subarray(n);
          } else if (op.kind === 'poll') {
            const want = removed ? EPOLLERR : (queue.length > 0 ? EPOLLIN | EPOLLRDNORM : 0) | EPOLLOUT | EPOLLWRNORM;
            expect(f.poll()).toBe(want);
          } else if (!removed) {
            h.value(h.ctrl.removeDevice());
            removed = true;
          }
          if (!removed) expect(f.udev.unreadBytes).toBe(queue.reduce((a, b) => a + b.length, 0));
        }
        expect(h.value(f.release())).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('a concurrent writer and reader get every byte back in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 64 }),
        fc.constantFrom(64, 512, 4096, 0xffff),
        fc.array(fc.integer({ min: 1, max: 12000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.constantFrom('actual_mtu', 'mtu'),
        fc.integer({ min: 0, max: 5000 }),
        (ring, mtu, writes, readSize, split, wakeupNs) => {
          const h = harness({ ringSize: ring, mtu }, { 'mhi.uci.writeSplit': split, 'mhi.host.wakeupNs': wakeupNs });
          const f = h.open();
          const total = writes.reduce((a, b) => a + b, 0);
          const data = pattern(total, 3);
          const got: Uint8Array[] = [];
          let gotBytes = 0;
          const writer = (i: number, off: number) => {
            if (i === writes.length) return;
            f.write(data.subarray(off, off + writes[i])).whenDone((n) => {
              if (n !== writes[i]) throw new Error(`write ${i} returned ${n}`);
              writer(i + 1, off + n);
            });
          };
          const buf = new Uint8Array(readSize);
          const reader = () => {
            if (gotBytes === total) return;
            f.read(buf).whenDone((n) => {
              if (n <= 0) throw new Error(`read returned ${n}`);
              got.push(buf.slice(0, n));
              gotBytes += n;
              reader();
            });
          };
          writer(0, 0);
          reader();
          h.settle();
          expect(gotBytes).toBe(total);
          expect(Buffer.compare(Buffer.concat(got), Buffer.from(data))).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a fault at a random instant loses nothing echoed, and the node works again after recovery', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 32 }),
        fc.constantFrom(128, 1024, 4096),
        fc.constantFrom('remove', 'sys_err'),
        fc.integer({ min: 0, max: 400_000 }),
        (ring, mtu, fault, atNs) => {
          const h = harness({ ringSize: ring, mtu });
          const f = h.open();
          const data = pattern(200_000, 11);
          const got: Uint8Array[] = [];
          const errs: number[] = [];
          const writer = (off: number) => {
            if (off < data.length) f.write(data.subarray(off, off + 16384)).whenDone((n) => (n < 0 ? errs.push(n) : writer(off + n)));
          };
          const buf = new Uint8Array(3000);
          const reader = () =>
            f.read(buf).whenDone((n) => {
              if (n < 0) return errs.push(n);
              got.push(buf.slice(0, n));
              reader();
            });
          writer(0);
          reader();
          h.sim.runUntil(h.sim.now + atNs);
          if (fault === 'sys_err') h.ctrl.sysErr();
          else h.ctrl.removeDevice();
          h.settle();
          const echoed = f.udev.stats.dlBytesReceived;
          const all = Buffer.concat([...got, ...f.udev.unreadData()]);
          expect(Buffer.compare(all, Buffer.from(data.subarray(0, echoed)))).toBe(0);
          if (echoed < data.length) expect(errs).toContain(-ENODEV);
          h.value(f.release());
          if (fault === 'sys_err') expect(h.value(h.ctrl.recover())).toBe(0);
          else expect(h.ctrl.rescan()).toBe(0);
          const g = h.open();
          expect(h.value(g.write(pattern(50)))).toBe(50); // fits one inbound buffer at any MTU here
          expect(g.udev.unreadBytes).toBe(50);
        },
      ),
      { numRuns: 40 },
    );
  });
});
