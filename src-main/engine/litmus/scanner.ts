import { LitmusSyntaxError } from './test';

/**
 * A cursor over litmus source text that keeps the 1-based line and column of its offset, so
 * the tokenizers (the C format's, and the condition part's shared with the PPC format) can say
 * where each token and each error is.
 */
export class Scanner {
  /** Offset into `src`. */
  i = 0;

  constructor(
    readonly src: string,
    public line = 1,
    public col = 1,
  ) {}

  get done(): boolean {
    return this.i >= this.src.length;
  }

  /** The character at the cursor. */
  get char(): string {
    return this.src[this.i];
  }

  at(s: string): boolean {
    return this.src.startsWith(s, this.i);
  }

  advance(n = 1): void {
    for (let k = 0; k < n; k++) {
      if (this.src[this.i] === '\n') {
        this.line++;
        this.col = 1;
      } else this.col++;
      this.i++;
    }
  }

  /** Skips from `open` (at the cursor) through the next `close`; if none comes, the error names where `open` was. */
  skipBlock(open: string, close: string, unterminated: string): void {
    const [line, col] = [this.line, this.col];
    this.advance(open.length);
    while (!this.done && !this.at(close)) this.advance();
    if (this.done) throw new LitmusSyntaxError(line, col, unterminated);
    this.advance(close.length);
  }
}
