import type { Output } from '../engine-call';

const CLEAR_LINE = '\r\x1b[2K';

/**
 * Puts progress on a stream. On a terminal (`live`), one status line is redrawn in place at the bottom and
 * event lines are printed above it; otherwise only the event lines are written, plain, one per line.
 */
export class ProgressWriter {
  private status = '';
  private shown = false;

  constructor(
    private readonly out: Output,
    readonly live: boolean,
  ) {}

  /** The width a status line may take (0: unknown). */
  get width(): number {
    return this.live ? (this.out.columns ?? 0) : 0;
  }

  /** Prints lines above the status line (plain lines when not live). */
  lines(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    if (!this.live) {
      this.out.write(text);
      return;
    }
    this.out.write(`${this.shown ? CLEAR_LINE : ''}${text}${this.status}`);
    this.shown = this.status.length > 0;
  }

  /** Replaces the status line (a no-op when not live). */
  setStatus(text: string): void {
    if (!this.live) return;
    if (text === this.status && this.shown) return;
    this.status = text;
    this.out.write(`${this.shown ? CLEAR_LINE : '\r'}${text}`);
    this.shown = true;
  }

  /** Removes the status line, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (this.live && this.shown) this.out.write(CLEAR_LINE);
    this.shown = false;
    this.status = '';
  }
}
