import { describe, expect, it } from 'vitest';
import { base64Bytes, reportBlob } from './report-file';

describe('report files in the renderer', () => {
  it('decodes a base64 PDF to its bytes', () => {
    const bytes = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x80]);
    expect([...base64Bytes(Buffer.from(bytes).toString('base64'))]).toEqual([...bytes]);
    expect(base64Bytes('')).toHaveLength(0);
  });

  it('makes a Blob of the report type: text kept as UTF-8, base64 decoded', async () => {
    const csv = reportBlob({ filename: 'twb-run-1.csv', mimeType: 'text/csv;charset=utf-8', encoding: 'utf8', content: 'run_id,t_s\r\n1,0.5 µs\r\n' });
    expect(csv.type).toBe('text/csv;charset=utf-8');
    expect(await csv.text()).toBe('run_id,t_s\r\n1,0.5 µs\r\n');
    const pdf = reportBlob({ filename: 'twb-run-1.pdf', mimeType: 'application/pdf', encoding: 'base64', content: Buffer.from('%PDF-1.7\n\xff').toString('base64') });
    expect(pdf.type).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).toString()).toBe('%PDF-1.7\n\xff');
  });
});
