import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import { LIMITS } from '../../../src-common/parse/limits';

/** Throws `malformed XML at line L, column C: why` (column left out when the validator has none). */
export function assertWellFormedXml(text: string): void {
  const valid = XMLValidator.validate(text);
  if (valid === true) return;
  const { line, col, msg } = valid.err;
  const where = [line !== undefined ? `line ${line}` : '', col !== undefined ? `column ${col}` : ''].filter(Boolean).join(', ');
  throw new Error(`malformed XML${where ? ` at ${where}` : ''}: ${msg}`);
}

/** Parses well-formed XML with `options`; elements nested past the limit are refused by name, not by the parser's own words. */
export function parseXml(text: string, options: Partial<X2jOptions>): unknown {
  assertWellFormedXml(text);
  try {
    return new XMLParser({ ...options, maxNestedTags: LIMITS.xmlDepth.value }).parse(text);
  } catch (e) {
    if (/nested tags/i.test((e as Error).message)) throw new Error(`elements nested deeper than ${LIMITS.xmlDepth.value} levels`, { cause: e });
    throw e;
  }
}
