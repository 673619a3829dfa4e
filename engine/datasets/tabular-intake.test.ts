import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { inspectDataset } from './run-data';
import type { DatasetIssue, DatasetSource, DatasetSummary } from './schemas';
import { csv, write } from './testing/files';

const temp = useTempDir();

const churnRows = (n: number) =>
  Array.from({ length: n }, (_, i) => [
    `c${i}`,
    20 + (i % 50),
    i % 3 === 0 ? 'pro' : 'basic',
    i % 7 === 0 ? '' : (i * 1.5).toFixed(1),
    i % 4 === 0 ? 'yes' : 'no',
  ]);
const churnHeader = ['customer', 'age', 'plan', 'monthly', 'churned'];

async function summary(source: Omit<DatasetSource, 'kind'>): Promise<DatasetSummary> {
  const result = await inspectDataset({ kind: 'tabular', ...source });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.value;
}

async function errors(source: Omit<DatasetSource, 'kind'>): Promise<DatasetIssue[]> {
  const result = await inspectDataset({ kind: 'tabular', ...source });
  if (result.ok) throw new Error('expected the intake to fail');
  return result.errors;
}

describe('tabular intake: summary', () => {
  it('summarises columns, label, task, classes, files and fingerprint', async () => {
    const file = write(temp.dir, 'churn.csv', csv(churnHeader, churnRows(40)));
    const s = await summary({ path: file });
    expect(s.rows).toBe(40);
    expect(s.rowsByRole).toEqual({ train: 40, test: 0 });
    expect(s.label).toEqual({
      name: 'churned',
      inferred: true,
      reason: "last column 'churned' has 2 distinct values and a label-like name",
    });
    expect(s.task).toMatchObject({ type: 'classification', inferred: true });
    expect(s.classes).toEqual([
      { label: 'no', count: 30 },
      { label: 'yes', count: 10 },
    ]);
    expect(s.columns?.map((c) => [c.name, c.type, c.missing, c.isLabel])).toEqual([
      ['customer', 'categorical', 0, false],
      ['age', 'numeric', 0, false],
      ['plan', 'categorical', 0, false],
      ['monthly', 'numeric', 6, false],
      ['churned', 'boolean', 0, true],
    ]);
    expect(s.files).toMatchObject({ count: 1, sample: [{ path: file, role: 'train' }] });
    expect(s.fingerprint).toMatchObject({ algorithm: 'sha256', files: 1 });
    expect(s.fingerprint.value).toMatch(/^[0-9a-f]{64}$/);
  });

  it('infers regression for a numeric target with many values, with its distribution', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i, (i % 5) + 0.5, 100 + i * 2.5]);
    const s = await summary({ path: write(temp.dir, 'houses.csv', csv(['rooms', 'baths', 'price'], rows)) });
    expect(s.label.name).toBe('price');
    expect(s.task).toEqual({
      type: 'regression',
      inferred: true,
      reason: 'numeric label with 50 distinct values, including non-integers',
    });
    expect(s.target).toMatchObject({ count: 50, min: 100, max: 222.5, median: 161.25 });
    expect(s.classes).toBeUndefined();
  });

  it('uses the label column it is given, and a forced task type', async () => {
    const file = write(
      temp.dir,
      'd.csv',
      csv(
        ['a', 'grade', 'b'],
        [
          [1, 3, 5],
          [2, 4, 6],
          [3, 3, 7],
        ],
      ),
    );
    const s = await summary({ path: file, labelColumn: 'grade', taskType: 'regression' });
    expect(s.label).toEqual({ name: 'grade', inferred: false, reason: 'set for this run' });
    expect(s.task).toEqual({ type: 'regression', inferred: false, reason: 'set for this run' });
  });

  it('reads semicolon-separated files', async () => {
    const s = await summary({ path: write(temp.dir, 'd.csv', 'x;label\n1;a\n2;b\n3;a\n') });
    expect(s.columns?.map((c) => c.name)).toEqual(['x', 'label']);
  });

  it('warns when the label was chosen by position only', async () => {
    const file = write(
      temp.dir,
      'd.csv',
      csv(
        ['f1', 'f2', 'kind'],
        Array.from({ length: 10 }, (_, i) => [i, i * 2, i % 2 ? 'u' : 'v']),
      ),
    );
    const result = await inspectDataset({ kind: 'tabular', path: file });
    expect(result.ok && result.value.label.reason).toContain(
      "last column 'kind' has 2 distinct values; no column has a label-like name",
    );
    expect(result.warnings.map((w) => w.code)).toContain('label_by_position');
  });

  it('warns about a mostly numeric column, naming the file and line of the odd value', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => [i === 12 ? 'unknown' : i, i % 2]);
    const file = write(temp.dir, 'd.csv', csv(['age', 'label'], rows));
    const result = await inspectDataset({ kind: 'tabular', path: file });
    const w = result.warnings.find((x) => x.code === 'mostly_numeric');
    expect(w?.message).toContain(
      `${file} line 14: column 'age' is numeric except for 1 value such as 'unknown'`,
    );
  });

  it('warns about heavily imbalanced classes', async () => {
    const rows = Array.from({ length: 105 }, (_, i) => [i, i < 100 ? 'ok' : 'fraud']);
    const result = await inspectDataset({
      kind: 'tabular',
      path: write(temp.dir, 'd.csv', csv(['x', 'label'], rows)),
    });
    expect(result.warnings.find((w) => w.code === 'imbalanced')?.message).toContain(
      "'ok' has 100 examples, 'fraud' 5",
    );
  });
});

describe('tabular intake: validation errors name the file and the line', () => {
  it('ragged rows', async () => {
    const file = write(temp.dir, 'd.csv', 'a,b,label\n1,2,x\n1,2\n1,2,y\n1,2,3,4\n');
    const [e] = await errors({ path: file });
    expect(e).toMatchObject({ code: 'ragged_row', file, line: 3 });
    expect(e?.message).toContain(
      `${file} lines 3, 5: 2 rows with a different number of fields than the header's 3 (the first has 2)`,
    );
  });

  it('an empty file, and a header without rows', async () => {
    const empty = write(temp.dir, 'empty.csv', '');
    expect((await errors({ path: empty }))[0]?.message).toBe(
      `${empty} is empty: a CSV needs a header row naming the columns, then one row per example.`,
    );
    const headerOnly = write(temp.dir, 'header.csv', 'a,label\n');
    expect((await errors({ path: headerOnly }))[0]).toMatchObject({
      code: 'no_rows',
      message: expect.stringContaining('only a header'),
    });
  });

  it('a label column that does not exist, with the likely intended one', async () => {
    const file = write(temp.dir, 'd.csv', 'age,Churn\n1,yes\n');
    const [e] = await errors({ path: file, labelColumn: 'churn' });
    expect(e).toMatchObject({ code: 'missing_label_column', file, line: 1 });
    expect(e?.message).toBe(
      `${file} line 1: no column named 'churn' (columns: 'age', 'Churn'). Did you mean 'Churn'? Set the label column to one of the columns.`,
    );
  });

  it('no label column can be inferred', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => [i, `user${i}`]);
    const file = write(temp.dir, 'd.csv', csv(['x', 'user_id'], rows));
    const [e] = await errors({ path: file });
    expect(e?.code).toBe('label_not_inferred');
    expect(e?.message).toContain(`${file} line 1: cannot tell which column is the label`);
  });

  it('header problems: duplicate names, no header at all, a single column', async () => {
    const dup = write(temp.dir, 'dup.csv', 'a,b,a,label\n1,2,3,x\n');
    expect((await errors({ path: dup }))[0]?.message).toBe(
      `${dup} line 1: columns 1 and 3 are both named 'a': rename one, since a column must be found by its name.`,
    );
    const noHeader = write(temp.dir, 'nohead.csv', '1,2,3\n4,5,6\n');
    expect((await errors({ path: noHeader }))[0]).toMatchObject({ code: 'no_header', line: 1 });
    const one = write(temp.dir, 'one.csv', 'value\n1\n');
    expect((await errors({ path: one }))[0]).toMatchObject({ code: 'one_column', line: 1 });
  });

  it('empty labels, listed by line', async () => {
    const file = write(temp.dir, 'd.csv', 'a,label\n1,x\n2,\n3,y\n4,NA\n');
    const [e] = await errors({ path: file });
    expect(e).toMatchObject({ code: 'empty_label', line: 3 });
    expect(e?.message).toContain(
      `${file} lines 3, 5: 2 rows with an empty or missing (NA, null...) label in column 'label'`,
    );
  });

  it('long lists of lines are capped', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},`).join('\n');
    const file = write(temp.dir, 'd.csv', `a,label\n0,x\n${rows}\n`);
    expect((await errors({ path: file }))[0]?.message).toContain(
      'lines 3, 4, 5, 6, 7 and 15 more: 20 rows with an empty',
    );
  });

  it('a quote that never closes', async () => {
    const file = write(temp.dir, 'd.csv', 'a,label\n1,x\n"2,y\n3,z\n');
    const [e] = await errors({ path: file });
    expect(e?.code).toBe('csv_syntax');
    expect(e?.message).toMatch(/line \d+: a quoted field starts here and is never closed/);
    expect(e?.file).toBe(file);
  });

  it('duplicate and empty ids are warnings naming the file: holdout examples get engine ids anyway', async () => {
    const file = write(temp.dir, 'd.csv', 'id,x,label\n1,a,p\n2,b,q\n1,c,p\n,d,q\n');
    const result = await inspectDataset({ kind: 'tabular', path: file });
    expect(result.ok).toBe(true);
    const found = result.warnings;
    expect(found.find((e) => e.code === 'duplicate_id')).toMatchObject({ file, line: 4 });
    expect(found.find((e) => e.code === 'duplicate_id')?.message).toContain(
      `${file} line 4: 1 row repeats an 'id' already used in ${file} ('1', first on line 2)`,
    );
    expect(found.find((e) => e.code === 'empty_id')).toMatchObject({ file, line: 5 });
  });

  it('a dataset path that does not exist', async () => {
    const missing = path.join(temp.dir, 'nope.csv');
    expect((await errors({ path: missing }))[0]?.message).toBe(
      `${missing} (path) does not exist or cannot be read: check the path and its permissions.`,
    );
  });
});

describe('tabular intake: train and test files', () => {
  const rows = (n: number, offset = 0) =>
    Array.from({ length: n }, (_, i) => [i + offset, (i + offset) % 2 ? 'a' : 'b']);

  it('train and test files may each number their ids from 1', async () => {
    const numbered = (n: number) => Array.from({ length: n }, (_, i) => [i + 1, i * 3, i % 2 ? 'a' : 'b']);
    write(temp.dir, 'data/train.csv', csv(['id', 'x', 'label'], numbered(20)));
    write(temp.dir, 'data/test.csv', csv(['id', 'x', 'label'], numbered(10)));
    const result = await inspectDataset({ kind: 'tabular', path: path.join(temp.dir, 'data') });
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    expect(result.warnings.filter((w) => w.code === 'duplicate_id')).toEqual([]);
    expect(result.value.rowsByRole).toEqual({ train: 20, test: 10 });
  });

  it('finds train.csv and test.csv in a folder and keeps their roles', async () => {
    write(temp.dir, 'data/train.csv', csv(['x', 'label'], rows(20)));
    write(
      temp.dir,
      'data/test.csv',
      csv(
        ['label', 'x'],
        rows(6, 100).map(([x, l]) => [l!, x!]),
      ),
    );
    write(temp.dir, 'data/README.md', 'notes');
    const result = await inspectDataset({ kind: 'tabular', path: path.join(temp.dir, 'data') });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.rowsByRole).toEqual({ train: 20, test: 6 });
    expect(result.value.paths.test).toBe(path.join(temp.dir, 'data/test.csv'));
    expect(result.warnings.find((w) => w.code === 'ignored_file')?.message).toContain(
      'README.md is not part of the dataset',
    );
  });

  it('a test.csv found by name without labels is left out, with a warning', async () => {
    write(temp.dir, 'data/train.csv', csv(['x', 'label'], rows(20)));
    write(temp.dir, 'data/test.csv', csv(['x'], [[1], [2]]));
    const result = await inspectDataset({ kind: 'tabular', path: path.join(temp.dir, 'data') });
    expect(result.ok && result.value.rowsByRole).toEqual({ train: 20, test: 0 });
    expect(result.warnings.find((w) => w.code === 'test_without_labels')?.message).toContain(
      "has no 'label' column, so it cannot be scored",
    );
  });

  it('an explicit test split without labels is an error', async () => {
    const train = write(temp.dir, 'train.csv', csv(['x', 'label'], rows(20)));
    const test = write(temp.dir, 'holdout.csv', csv(['x'], [[1]]));
    const [e] = await errors({ path: train, testPath: test });
    expect(e).toMatchObject({ code: 'test_without_labels', file: test, line: 1 });
  });

  it('a test split with other columns is an error', async () => {
    const train = write(temp.dir, 'train.csv', csv(['x', 'label'], rows(20)));
    const test = write(temp.dir, 'test2.csv', csv(['x', 'z', 'label'], [[1, 2, 'a']]));
    const [e] = await errors({ path: train, testPath: test });
    expect(e?.message).toBe(
      `${test} line 1: the test split's columns differ from the training data's (extra 'z'). Both files need the same columns.`,
    );
  });

  it('a folder with several CSV files and no train.csv is ambiguous', async () => {
    write(temp.dir, 'data/a.csv', 'x,label\n1,a\n');
    write(temp.dir, 'data/b.csv', 'x,label\n1,a\n');
    const [e] = await errors({ path: path.join(temp.dir, 'data') });
    expect(e?.code).toBe('ambiguous_data_file');
    expect(e?.message).toContain('2 CSV files (a.csv, b.csv)');
  });
});
