// The export's one DOM step, apart from ImportExportActions.ts so that those actions run (and are unit-tested) without a DOM.
import type { TransferFile } from '../../src-common/bridge/areas/transfer';

const MIME: Record<string, string> = { json: 'application/json', xml: 'application/xml' };

/** Saves text as a download (Blob + <a download>), as the drawing's SVG export does. */
export function download({ text, fileName }: TransferFile): void {
  const type = MIME[fileName.split('.').pop() ?? ''] ?? 'text/plain';
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
