import type { RunReportFile } from '../../src-common/bridge/areas/runs';

// Pure (no DOM): also type-checked and unit-tested under Node.

/** Base64 → bytes (a PDF report from the desktop app). */
export function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The report as a Blob of its own type: text as is, base64 decoded. */
export function reportBlob(file: RunReportFile): Blob {
  return new Blob([file.encoding === 'base64' ? base64Bytes(file.content) : file.content], { type: file.mimeType });
}
