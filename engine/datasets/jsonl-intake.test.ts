import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { useTempDir } from '../testing/temp-dir';
import { parseJsonlRecord } from './jsonl-lines';
import { inspectDataset } from './run-data';
import { write } from './testing/files';

const temp = useTempDir();

const line = (text: unknown, label: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ text, label, ...extra });
const lines = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    line(`review number ${i} says ${i % 2 ? 'good' : 'bad'}`, i % 2 ? 'pos' : 'neg'),
  );

describe('parseJsonlRecord', () => {
  it('accepts string, number and boolean labels as text', () => {
    expect(parseJsonlRecord(line('a', 'x'))).toMatchObject({ ok: true, label: 'x', labelIsNumber: false });
    expect(parseJsonlRecord(line('a', 2.5))).toMatchObject({ ok: true, label: '2.5', labelIsNumber: true });
    expect(parseJsonlRecord(line('a', true))).toMatchObject({ ok: true, label: 'true' });
    expect(parseJsonlRecord(line('a', 'x', { id: 3 }))).toMatchObject({ ok: true, extra: ['id'] });
  });

  it('names each problem', () => {
    expect(parseJsonlRecord('{"text": "a",')).toMatchObject({ ok: false, code: 'invalid_json' });
    expect(parseJsonlRecord('[1,2]')).toMatchObject({ ok: false, code: 'not_an_object' });
    expect(parseJsonlRecord('{"label": "x"}')).toMatchObject({ ok: false, code: 'missing_text' });
    expect(parseJsonlRecord(line(5, 'x'))).toMatchObject({
      ok: false,
      code: 'missing_text',
      detail: '"text" is a number, not a string',
    });
    expect(parseJsonlRecord(line('  ', 'x'))).toMatchObject({ ok: false, code: 'empty_text' });
    expect(parseJsonlRecord('{"text": "a"}')).toMatchObject({ ok: false, code: 'missing_label' });
    expect(parseJsonlRecord(line('a', null))).toMatchObject({ ok: false, code: 'missing_label' });
    expect(parseJsonlRecord(line('a', ''))).toMatchObject({ ok: false, code: 'empty_label' });
    expect(parseJsonlRecord(line('a', ['x']))).toMatchObject({ ok: false, code: 'bad_label' });
  });
});

describe('text JSONL intake', () => {
  it('summarises classes, text lengths and extra fields, skipping blank lines', async () => {
    const file = write(
      temp.dir,
      'reviews.jsonl',
      [...lines(10), '', line('short', 'pos', { source: 'web' })].join('\n') + '\n',
    );
    const result = await inspectDataset({ kind: 'text_jsonl', path: file });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.rows).toBe(11);
    expect(result.value.classes).toEqual([
      { label: 'pos', count: 6 },
      { label: 'neg', count: 5 },
    ]);
    expect(result.value.text).toMatchObject({ minChars: 5, extraFields: ['source'] });
    expect(result.value.task.type).toBe('classification');
  });

  it('infers regression from numeric labels with fractions', async () => {
    const file = write(
      temp.dir,
      'scores.jsonl',
      Array.from({ length: 30 }, (_, i) => line(`text ${i}`, i / 7)).join('\n'),
    );
    const result = await inspectDataset({ kind: 'text_jsonl', path: file });
    expect(result.ok && result.value.task.type).toBe('regression');
    expect(result.ok && result.value.target?.count).toBe(30);
  });

  it('reports invalid JSON and missing fields with file and line', async () => {
    const content = [
      line('ok', 'a'),
      '{"text": "broken", ',
      line('ok', 'b'),
      '{"label": "a"}',
      line('', 'a'),
      '{"text": "x"}',
      '{"text": "y"}',
    ].join('\n');
    const file = write(temp.dir, 'bad.jsonl', content);
    const result = await inspectDataset({ kind: 'text_jsonl', path: file });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byCode = Object.fromEntries(result.errors.map((e) => [e.code, e]));
    expect(byCode.invalid_json?.message).toMatch(
      new RegExp(`^${file.replace(/[/.]/g, '\\$&')} line 2: invalid JSON \\(`),
    );
    expect(byCode.invalid_json?.line).toBe(2);
    expect(byCode.missing_text?.message).toContain(`${file} line 4: no "text" field`);
    expect(byCode.empty_text?.line).toBe(5);
    expect(byCode.missing_label?.message).toContain(
      `${file} lines 6, 7: no "label" field (or it is null) (and 1 more line like it)`,
    );
  });

  it('an empty file is an error', async () => {
    const file = write(temp.dir, 'e.jsonl', '');
    const result = await inspectDataset({ kind: 'text_jsonl', path: file });
    expect(!result.ok && result.errors[0]?.message).toContain('is empty: write one JSON object per line');
  });

  it('finds train.jsonl and test.jsonl, leaving out a test file without labels', async () => {
    write(temp.dir, 'd/train.jsonl', lines(10).join('\n'));
    write(temp.dir, 'd/test.jsonl', JSON.stringify({ text: 'unlabelled' }));
    const result = await inspectDataset({ kind: 'text_jsonl', path: path.join(temp.dir, 'd') });
    expect(result.ok && result.value.rowsByRole).toEqual({ train: 10, test: 0 });
    expect(result.warnings.map((w) => w.code)).toContain('test_without_labels');
  });
});
