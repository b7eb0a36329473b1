import fs from 'node:fs';
import path from 'node:path';

/** Writes a file only once its whole content is ready: temp file, then rename (no half-written output). */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
