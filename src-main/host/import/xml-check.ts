import { XMLValidator } from 'fast-xml-parser';

/** Throws `malformed XML at line L, column C: why` (column left out when the validator has none). */
export function assertWellFormedXml(text: string): void {
  const valid = XMLValidator.validate(text);
  if (valid === true) return;
  const { line, col, msg } = valid.err;
  const where = [line !== undefined ? `line ${line}` : '', col !== undefined ? `column ${col}` : ''].filter(Boolean).join(', ');
  throw new Error(`malformed XML${where ? ` at ${where}` : ''}: ${msg}`);
}
