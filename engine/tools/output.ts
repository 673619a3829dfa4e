/** Text for the model, at most `max` characters: head and tail, with a marker where the middle was cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (n: number) => `\n... [${n} characters omitted] ...\n`;
  const room = Math.max(0, max - marker(text.length).length);
  const head = Math.floor(room * 0.4);
  const tail = room - head;
  return text.slice(0, head) + marker(text.length - head - tail) + text.slice(text.length - tail);
}

/** Splits two budgets between stdout and stderr: stderr gets what it needs up to a third, stdout the rest. */
export function splitBudget(stdout: string, stderr: string, max: number): [string, string] {
  if (stdout.length + stderr.length <= max) return [stdout, stderr];
  const errBudget = Math.min(stderr.length, Math.max(Math.floor(max / 3), max - stdout.length));
  return [capText(stdout, max - errBudget), capText(stderr, errBudget)];
}

/** Turns chunks into complete lines; a carriage return keeps only the text after it (progress bars). */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.onLine(lastSegment(line));
    // A progress bar that never ends its line must not grow without bound.
    if (this.rest.length > 64 * 1024) this.rest = lastSegment(this.rest).slice(-64 * 1024);
  }

  flush(): void {
    if (this.rest !== '') this.onLine(lastSegment(this.rest));
    this.rest = '';
  }
}

function lastSegment(line: string): string {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  const i = trimmed.lastIndexOf('\r');
  return i === -1 ? trimmed : trimmed.slice(i + 1);
}

/** The last `size` items pushed; a push costs the same however many came before (a flood of lines). */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(private readonly size: number) {}
  push(item: T): void {
    if (this.size <= 0) return;
    if (this.items.length < this.size) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.size;
  }
  /** The last `n` items, oldest first. */
  last(n: number): T[] {
    if (n <= 0) return [];
    const ordered =
      this.items.length < this.size
        ? this.items
        : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    return ordered.slice(-n);
  }
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
