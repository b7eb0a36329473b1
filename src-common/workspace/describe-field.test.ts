import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FieldError } from '../parse/field-error';
import { describeRefusal, describeWorkspaceError, fieldLabel, parseWorkspace } from '.';

const seed = () => JSON.parse(fs.readFileSync(new URL('../../resources/workspaces/seed-power9-ipi.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** What parseWorkspace throws for `doc`. */
function refusalOf(doc: unknown): unknown {
  try {
    parseWorkspace(doc);
  } catch (e) {
    return e;
  }
  throw new Error('the document was accepted');
}

describe('refusals name what the user sees first, the document path after it', () => {
  it('a file whose vCPU pin is beyond the host: guest and vCPU, why, then the path', () => {
    const doc = seed() as { guests: { vcpupin: { vcpu: number; cpuset: string }[] }[] };
    doc.guests[0].vcpupin[32].cpuset = '67-300';
    const error = refusalOf(doc);
    expect(describeWorkspaceError(doc, error)).toBe("guest A, vCPU 32: CPU 300 in '67-300' is beyond the host (CPUs 0-127) (guests[0].vcpupin[32].cpuset)");
  });

  it('how many other problems a document has comes after the path, not between the reason and it', () => {
    const doc = seed() as { guests: { smp: { threads: number }; vcpupin: { cpuset: string }[] }[] };
    doc.guests[0].smp.threads = 0;
    doc.guests[0].vcpupin[0].cpuset = '';
    const error = refusalOf(doc);
    expect((error as FieldError).more).toBeGreaterThan(0);
    const text = describeWorkspaceError(doc, error);
    expect(text).toMatch(/^guest A: expected 1\.\.8, got 0 \(guests\[0\]\.smp\.threads\), and \d+ more problems?$/);
    expect(text).toContain(`, and ${(error as FieldError).more} more problem`);
    expect(describeRefusal(doc as never, 'x', 'bad', 1)).toBe('x: bad, and 1 more problem');
  });

  it('a document that is not a workspace names nothing: the path and the reason, no `guest undefined`', () => {
    const wrong = [null, 7, { guests: 'x' }, { guests: [{ name: { a: 1 }, vcpupin: 3 }] }, { guests: [{ name: 'A', vcpupin: [{ vcpu: 'x' }] }] }];
    for (const doc of wrong) expect(describeRefusal(doc as never, 'guests[0].vcpupin[0].cpuset', 'bad')).toMatch(/^(guests\[0\]\.vcpupin\[0\]\.cpuset: bad|guest A: bad \(guests\[0\]\.vcpupin\[0\]\.cpuset\))$/);
    expect(fieldLabel({ devices: { mhi: [{}] } } as never, 'devices.mhi[0].socket')).toBeNull();
    expect(describeWorkspaceError({}, new Error('not JSON'))).toBe('not JSON');
    expect(describeWorkspaceError({}, new FieldError('', 'empty'))).toBe('empty');
  });
});
