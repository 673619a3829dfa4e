import { vi } from 'vitest';

/** Captures what a command prints (stdout, stderr, console.log and console.error) for the rest of the test. Tests only. */
export function captureOutput(): { out(): string; err(): string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  vi.spyOn(console, 'log').mockImplementation((m) => out.push(`${String(m)}\n`));
  vi.spyOn(console, 'error').mockImplementation((m) => err.push(String(m)));
  return { out: () => out.join(''), err: () => err.join('') };
}
