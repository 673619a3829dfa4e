import { describe, expect, it } from 'vitest';
import { splitArgs } from './args';
import { effectiveTimeoutMs } from './context';
import { metricsOf } from './launch';
import { capText, LineSplitter } from './output';
import { parseFailedIds, parsePytestSummary } from './pytest';

describe('parsePytestSummary', () => {
  const c = (passed: number, failed: number, errors: number, skipped: number) => ({
    passed,
    failed,
    errors,
    skipped,
    total: passed + failed + errors + skipped,
  });
  it.each([
    ['3 passed in 0.1s', c(3, 0, 0, 0)],
    ['1 failed, 2 passed, 1 error in 2.0s', c(2, 1, 1, 0)],
    ['no tests ran in 0.01s', c(0, 0, 0, 0)],
    ['no tests ran', c(0, 0, 0, 0)],
    ['5 passed, 1 skipped, 2 warnings in 1.23s', c(5, 0, 0, 1)],
    ['5 passed, 1 skipped, 2 warnings', c(5, 0, 0, 1)],
    ['==================== 2 failed, 8 passed in 3.41s ====================', c(8, 2, 0, 0)],
    ['======= 1 passed, 3 errors in 0.50s (0:00:00) =======', c(1, 0, 3, 0)],
    ['4 passed, 1 xfailed, 1 deselected in 0.2s', c(4, 0, 0, 0)],
    ['=== 2 error in 0.1s ===', c(0, 0, 2, 0)],
  ])('%s', (line, expected) => {
    expect(parsePytestSummary(`collected 3 items\n\ntests/test_a.py ...\n${line}\n`)).toEqual(expected);
  });

  it('takes the last summary line and ignores lines that only look like counts', () => {
    const text = '2 passed in 0.1s\nsome output: 7 failed attempts\n1 failed, 1 passed in 0.3s\n';
    expect(parsePytestSummary(text)).toMatchObject({ passed: 1, failed: 1 });
    expect(parsePytestSummary('Traceback (most recent call last):\nImportError: no module\n')).toBeNull();
    expect(parsePytestSummary('')).toBeNull();
  });

  it('lists failing and erroring test ids from the short summary', () => {
    const text = [
      '=========================== short test summary info ============================',
      'PASSED tests/test_a.py::test_ok',
      'FAILED tests/test_a.py::test_shape - AssertionError: assert 3 == 4',
      'ERROR tests/test_b.py - ModuleNotFoundError: No module named torch',
      'FAILED tests/test_a.py::test_shape - AssertionError: again',
    ].join('\n');
    expect(parseFailedIds(text)).toEqual(['tests/test_a.py::test_shape', 'tests/test_b.py']);
  });
});

describe('splitArgs', () => {
  it.each([
    ['', []],
    ['--epochs 5 --device cpu', ['--epochs', '5', '--device', 'cpu']],
    [`--name "a b" 'c d' e\\ f`, ['--name', 'a b', 'c d', 'e f']],
    ['lr=0.1 --x=*.csv', ['lr=0.1', '--x=*.csv']],
    [`--json '{"a": 1}'`, ['--json', '{"a": 1}']],
  ])('%s', async (text, expected) => {
    expect(await splitArgs(text)).toEqual(expected);
  });

  it.each(['--x "unclosed', '--a 1; rm -rf /', '--out $HOME', '--a $(id)', '--a 1 > f', 'a | b', 'a &'])(
    'refuses %s',
    async (text) => {
      await expect(splitArgs(text)).rejects.toThrow(/args/);
    },
  );
});

describe('metricsOf', () => {
  it.each([
    [
      '{"epoch": 3, "train_loss": 0.41, "val_accuracy": 0.87}',
      { epoch: 3, train_loss: 0.41, val_accuracy: 0.87 },
    ],
    ['{"epoch": 1, "note": "x", "nested": {"a": 1}, "ok": true}', { epoch: 1 }],
    ['  {"loss": 1e-3}  ', { loss: 0.001 }],
    ['{"note": "no numbers"}', null],
    ['[1, 2]', null],
    ['not json', null],
    ['{"epoch": 1,', null],
    ['', null],
  ])('%s', (line, expected) => {
    expect(metricsOf(line)).toEqual(expected);
  });
});

describe('output helpers', () => {
  it('capText keeps head and tail with a marker', () => {
    expect(capText('short', 100)).toBe('short');
    const text = 'H'.repeat(5000) + 'T'.repeat(5000);
    const capped = capText(text, 1000);
    expect(capped.length).toBeLessThanOrEqual(1000);
    expect(capped.startsWith('HHH')).toBe(true);
    expect(capped.endsWith('TTT')).toBe(true);
    expect(capped).toMatch(/\[\d+ characters omitted\]/);
  });

  it('LineSplitter joins chunks into lines and keeps the last carriage-return segment', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('ab');
    s.push('c\nprogress 10%\rprogress 100%\r\nlast');
    s.flush();
    expect(lines).toEqual(['abc', 'progress 100%', 'last']);
  });

  it('effectiveTimeoutMs: the setting replaces the schema default; an explicit value is capped at 4x', () => {
    expect(effectiveTimeoutMs(30, 30, 120_000)).toBe(120_000);
    expect(effectiveTimeoutMs(10, 30, 120_000)).toBe(10_000);
    expect(effectiveTimeoutMs(10_000, 30, 120_000)).toBe(480_000);
  });
});
