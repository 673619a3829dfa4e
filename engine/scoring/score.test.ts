import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { write } from '../datasets/testing/files';
import { useTempDir } from '../testing/temp-dir';
import { skippedTitle } from '../testing/skip';
import { resolveMetric, type MetricContext } from './metric-registry';
import { ScoreResult, type ResolvedMetric } from './schemas';
import { scorePredictions } from './score';

const temp = useTempDir();

const CLASSES = ['cat', 'dog', 'fox'];

function metric(name: string, context: MetricContext): ResolvedMetric {
  const r = resolveMetric(name, context);
  if (!r.ok) throw new Error(r.message);
  return r.metric;
}

/** Labels for ids 1..n. */
function labelsFile(labels: string[]): string {
  return write(temp.dir, 'labels.csv', `id,label\n${labels.map((l, i) => `${i + 1},${l}`).join('\n')}\n`);
}

async function score(
  predictions: string,
  labels: string[],
  name: string,
  context: MetricContext,
  extras: string[] = [],
) {
  const result = await scorePredictions({
    predictionsPath: write(temp.dir, 'predictions.csv', predictions),
    labelsPath: labelsFile(labels),
    metric: metric(name, context),
    classes: context.classes,
    extras: extras.map((e) => metric(e, context)),
  });
  expect(ScoreResult.safeParse(result).success).toBe(true);
  return result;
}

const multi: MetricContext = { task: 'classification', classes: CLASSES };
const binary: MetricContext = { task: 'classification', classes: ['no', 'yes'] };
const regression: MetricContext = { task: 'regression' };

function problems(result: ScoreResult): string {
  if (result.ok) throw new Error('expected a failed evaluation');
  return result.message;
}

describe('scorePredictions: valid files', () => {
  it('scores accuracy with extras, in any row order', async () => {
    const result = await score(
      'id,prediction\n3,fox\n1,cat\n2,cat\n4,dog\n',
      ['cat', 'dog', 'fox', 'dog'],
      'accuracy',
      multi,
      ['f1_macro', 'log_loss'],
    );
    expect(result).toMatchObject({ ok: true, metric: 'accuracy', value: 0.75, direction: 'higher', n: 4 });
    expect(result.ok && result.extras.f1_macro).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 12);
    expect(result.ok && result.extras.log_loss).toBeNull();
    expect(result.ok && result.notes.join(' ')).toContain('log_loss not computed');
  });

  it('matches predicted classes written as another spelling of the same value', async () => {
    const ok = await score('id,prediction\n1,1.0\n2,0\n', ['1', '0'], 'accuracy', {
      task: 'classification',
      classes: ['0', '1'],
    });
    expect(ok).toMatchObject({ ok: true, value: 1 });
    const bools = await score('id,prediction\n1,True\n2,False\n', ['true', 'false'], 'accuracy', {
      task: 'classification',
      classes: ['false', 'true'],
    });
    expect(bools).toMatchObject({ ok: true, value: 1 });
  });

  it('scores binary AUC from the positive class column and log loss from one column', async () => {
    const file = 'id,prediction,proba_yes\n1,yes,0.9\n2,no,0.4\n3,yes,0.4\n4,no,0.1\n';
    const labels = ['yes', 'yes', 'no', 'no'];
    expect(await score(file, labels, 'auc', binary)).toMatchObject({
      ok: true,
      metric: 'roc_auc',
      value: 0.875,
    });
    const ll = await score(file, labels, 'log_loss', binary);
    expect(ll.ok && ll.value).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.4) + Math.log(0.6) + Math.log(0.9)) / 4,
      12,
    );
  });

  it('matches numeric ids by value, as pandas writes them back', async () => {
    const labels = write(temp.dir, 'numeric-labels.csv', 'id,label\n007,cat\n010,dog\n');
    const result = await scorePredictions({
      predictionsPath: write(temp.dir, 'p.csv', 'id,prediction\n7.0,cat\n10,dog\n'),
      labelsPath: labels,
      metric: metric('accuracy', multi),
      classes: CLASSES,
    });
    expect(result).toMatchObject({
      ok: true,
      value: 1,
      notes: ["2 ids matched by numeric value (e.g. '7' for '007', '7.0' for '7')"],
    });
    const ambiguous = write(temp.dir, 'ambiguous-labels.csv', 'id,label\n7,cat\n007,dog\n');
    const refused = await scorePredictions({
      predictionsPath: write(temp.dir, 'p2.csv', 'id,prediction\n7.0,cat\n007,dog\n'),
      labelsPath: ambiguous,
      metric: metric('accuracy', multi),
      classes: CLASSES,
    });
    expect(refused).toMatchObject({
      ok: false,
      problems: [{ code: 'unknown_ids' }, { code: 'missing_ids' }],
    });
  });

  it("hidden labels written '1.0' are the class '1', as intake merges them", async () => {
    const binaryNumbers: MetricContext = { task: 'classification', classes: ['0', '1'] };
    const given = await score(
      'id,prediction\n1,1\n2,0\n3,1.0\n',
      ['1.0', '0', '1'],
      'accuracy',
      binaryNumbers,
    );
    expect(given).toMatchObject({ ok: true, value: 1 });
    // Without the manifest's classes, the labels' own spellings of one number are one class too.
    const own = await scorePredictions({
      predictionsPath: write(temp.dir, 'p.csv', 'id,prediction\n1,1\n2,0\n3,1\n'),
      labelsPath: labelsFile(['1.0', '0', '1']),
      metric: metric('accuracy', binaryNumbers),
    });
    expect(own).toMatchObject({ ok: true, value: 1 });
  });

  it('ignores a pandas index column, and says so', async () => {
    const result = await score(',id,prediction\n0,1,cat\n1,2,dog\n', ['cat', 'dog'], 'accuracy', multi);
    expect(result).toMatchObject({ ok: true, value: 1, notes: ["ignored columns: ''"] });
  });

  it('scores regression metrics', async () => {
    const result = await score(
      'id,prediction\n1,2.5\n2,0.0\n3,2\n4,8\n',
      ['3', '-0.5', '2', '7'],
      'rmse',
      regression,
      ['mae', 'r2'],
    );
    expect(result).toMatchObject({
      ok: true,
      value: Math.sqrt(0.375),
      direction: 'lower',
      extras: { mae: 0.5 },
    });
  });

  it('leaves classes absent from the split out of the one-vs-rest average, with a note', async () => {
    const file =
      'id,prediction,proba_cat,proba_dog,proba_fox\n1,cat,0.8,0.1,0.1\n2,dog,0.2,0.7,0.1\n3,cat,0.6,0.05,0.35\n';
    const result = await score(file, ['cat', 'dog', 'dog'], 'auc', multi);
    expect(result).toMatchObject({ ok: true, metric: 'roc_auc_ovr', value: 0.75 });
    expect(result.ok && result.notes).toContain(
      "classes absent from this split, left out of the macro average: 'fox'",
    );
  });
});

describe('scorePredictions: malformed predictions are failed evaluations with precise messages', () => {
  const labels = Array.from({ length: 12 }, (_, i) => CLASSES[i % 3]!);
  const rows = (ids: number[], value = (i: number) => CLASSES[(i - 1) % 3]) =>
    ids.map((i) => `${i},${value(i)}`).join('\n');

  it('missing ids, capped', async () => {
    const result = await score(
      `id,prediction\n${rows([1, 2, 3, 4, 5, 6, 7, 8, 10])}\n`,
      labels,
      'accuracy',
      multi,
    );
    expect(result).toMatchObject({ ok: false, reason: 'malformed_predictions' });
    expect(problems(result)).toContain('has 9 rows; the holdout has 12 examples.');
    expect(problems(result)).toContain('3 ids missing: 9, 11, 12. Predict every example of the input.');
    const many = await score(`id,prediction\n${rows([1])}\n`, labels, 'accuracy', multi);
    expect(problems(many)).toContain('11 ids missing: 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 1 more.');
  });

  it('extra and duplicate ids, with their lines', async () => {
    const file = `id,prediction\n${rows([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])}\n99,cat\n5,dog\n`;
    const message = problems(await score(file, labels, 'accuracy', multi));
    expect(message).toContain('1 id is not in the holdout: 99 (line 14).');
    expect(message).toContain('1 id appears more than once: 5 (lines 6, 15). Write one row per id.');
  });

  it('a header without id or prediction', async () => {
    const noId = problems(await score('ID_,prediction\n1,cat\n', ['cat'], 'accuracy', multi));
    expect(noId).toMatch(
      /line 1: no 'id' column \(the header is 'ID_','prediction'\)\. predict\.py must write a CSV with the header id,prediction/,
    );
    expect(problems(await score('id,label\n1,cat\n', ['cat'], 'accuracy', multi))).toContain(
      "no 'prediction' column",
    );
    expect(
      problems(await score('id,prediction,prediction\n1,cat,cat\n', ['cat'], 'accuracy', multi)),
    ).toContain("the column 'prediction' appears twice");
  });

  it('empty, NaN and unknown predictions', async () => {
    const empty = problems(await score('id,prediction\n1,\n2,dog\n', ['cat', 'dog'], 'accuracy', multi));
    expect(empty).toContain('1 prediction is empty (line 2).');
    const unknown = problems(
      await score('id,prediction\n1,catt\n2,wolf\n3,catt\n', ['cat', 'dog', 'fox'], 'accuracy', multi),
    );
    expect(unknown).toContain(
      "3 predictions are not a class of this dataset: 'catt' (2 rows, first on line 2), 'wolf' (line 3). Classes: 'cat', 'dog', 'fox'.",
    );
    const nan = problems(
      await score('id,prediction\n1,nan\n2,inf\n3,\n4,1.5\n', ['1', '2', '3', '4'], 'rmse', regression),
    );
    expect(nan).toContain(
      "3 predictions are not a finite number: line 2 ('nan'), line 3 ('inf'), line 4 (empty).",
    );
  });

  it('missing probability columns for a probability metric', async () => {
    const message = problems(await score('id,prediction,proba_cat\n1,cat,0.9\n', ['cat'], 'log_loss', multi));
    expect(message).toContain(
      'log loss needs the predicted probability of each class; these columns are missing: proba_dog, proba_fox.',
    );
    const auc = problems(await score('id,prediction\n1,yes\n2,no\n', ['yes', 'no'], 'roc_auc', binary));
    expect(auc).toContain('this column is missing: proba_yes');
  });

  it('probabilities outside [0, 1] or not numbers, and columns for no class', async () => {
    const file = 'id,prediction,proba_no,proba_yes,proba_maybe\n1,yes,-0.1,1.1,0\n2,no,x,0.2,0\n';
    const message = problems(await score(file, ['yes', 'no'], 'log_loss', binary));
    expect(message).toContain("'proba_maybe' names no class of this dataset");
    expect(message).toContain("'proba_no' is not a number on 1 row: line 3 ('x').");
    expect(message).toContain("'proba_no' is outside [0, 1] on 1 row: line 2 (-0.1).");
    expect(message).toContain("'proba_yes' is outside [0, 1] on 1 row: line 2 (1.1). Write probabilities");
  });

  it('ragged rows, an empty file, no file at all', async () => {
    expect(problems(await score('id,prediction\n1,cat,extra\n', ['cat'], 'accuracy', multi))).toContain(
      "1 row with a different number of fields than the header's 2 (line 2)",
    );
    expect(problems(await score('', ['cat'], 'accuracy', multi))).toContain(
      'is empty. predict.py must write',
    );
    const missing = await scorePredictions({
      predictionsPath: path.join(temp.dir, 'nothing.csv'),
      labelsPath: labelsFile(['cat']),
      metric: metric('accuracy', multi),
      classes: CLASSES,
    });
    expect(missing).toMatchObject({
      ok: false,
      reason: 'malformed_predictions',
      problems: [{ code: 'no_file' }],
    });
  });

  it("negative predictions under RMSLE are the agent's fault; negative targets make it undefined", async () => {
    const neg = await score('id,prediction\n1,-1\n2,3\n', ['1', '2'], 'rmsle', regression);
    expect(neg).toMatchObject({ ok: false, reason: 'malformed_predictions' });
    expect(problems(neg)).toContain('1 prediction is negative: line 2 (-1). Clip predictions at 0.');
    const undefinedTargets = await score('id,prediction\n1,1\n2,3\n', ['-1', '2'], 'rmsle', regression);
    expect(undefinedTargets).toMatchObject({ ok: false, reason: 'undefined_metric' });
  });

  it('AUC on a split holding a single class is undefined, not a crash', async () => {
    const result = await score(
      'id,prediction,proba_yes\n1,yes,0.9\n2,yes,0.8\n',
      ['yes', 'yes'],
      'roc_auc',
      binary,
    );
    expect(result).toMatchObject({ ok: false, reason: 'undefined_metric' });
    expect(problems(result)).toContain("every example is 'yes'");
  });

  it("a damaged labels file is reported as the engine's problem", async () => {
    const result = await scorePredictions({
      predictionsPath: write(temp.dir, 'p.csv', 'id,prediction\n1,cat\n'),
      labelsPath: write(temp.dir, 'bad-labels.csv', 'identifier,class\n1,cat\n'),
      metric: metric('accuracy', multi),
      classes: CLASSES,
    });
    expect(result).toMatchObject({ ok: false, reason: 'labels_unreadable' });
  });

  it('a labels path that cannot be read is reported, not thrown', async () => {
    const dir = path.join(temp.dir, 'labels-dir');
    fs.mkdirSync(dir);
    const result = await scorePredictions({
      predictionsPath: write(temp.dir, 'p.csv', 'id,prediction\n1,cat\n'),
      labelsPath: dir,
      metric: metric('accuracy', multi),
      classes: CLASSES,
    });
    expect(result).toMatchObject({ ok: false, reason: 'labels_unreadable' });
    expect(result.ok || result.message).toContain('cannot be read (EISDIR)');
  });
});

describe('scorePredictions: a predictions path that is not a regular file', () => {
  const SECRET = 'root:x:0:0:secret-marker-4242:/root:/bin/bash';
  const request = (predictionsPath: string, predictionsRoot?: string) =>
    scorePredictions({
      predictionsPath,
      labelsPath: labelsFile(['cat', 'dog']),
      metric: metric('accuracy', multi),
      classes: CLASSES,
      ...(predictionsRoot ? { predictionsRoot } : {}),
    });
  const refused = (result: ScoreResult, code: string) => {
    expect(ScoreResult.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({ ok: false, reason: 'malformed_predictions', problems: [{ code }] });
    expect(problems(result)).not.toContain('secret-marker');
    expect(problems(result)).not.toContain('root:x');
  };

  it('a folder at the predictions path is a failed evaluation, not EISDIR', async () => {
    const dir = path.join(temp.dir, 'out', 'predictions.csv');
    fs.mkdirSync(dir, { recursive: true });
    const result = await request(dir);
    refused(result, 'not_a_file');
    expect(problems(result)).toContain('is a folder');
  });

  it('a symbolic link is never followed, and nothing of its target is echoed', async () => {
    const secret = write(temp.dir, 'host/passwd', `${SECRET}\ndaemon:x:1:1::/:/usr/sbin/nologin\n`);
    const link = path.join(temp.dir, 'predictions.csv');
    fs.symlinkSync(secret, link);
    const result = await request(link);
    refused(result, 'not_a_file');
    expect(problems(result)).toContain('symbolic link');
    if (fs.existsSync('/etc/passwd')) {
      const etc = path.join(temp.dir, 'etc-link.csv');
      fs.symlinkSync('/etc/passwd', etc);
      refused(await request(etc), 'not_a_file');
    }
    // Even a link to a valid predictions file: predict.py must write the file itself.
    const valid = write(temp.dir, 'elsewhere/p.csv', 'id,prediction\n1,cat\n2,dog\n');
    const good = path.join(temp.dir, 'good-link.csv');
    fs.symlinkSync(valid, good);
    refused(await request(good), 'not_a_file');
  });

  it.skipIf(process.platform === 'win32')('a FIFO is refused without blocking on it', async () => {
    const fifo = path.join(temp.dir, 'predictions.csv');
    execFileSync('mkfifo', [fifo]);
    refused(await request(fifo), 'not_a_file');
  });

  it('a folder on the way that links outside the predictions root is refused', async () => {
    write(temp.dir, 'host/predictions.csv', `${SECRET}\n`);
    const workspace = path.join(temp.dir, 'workspace');
    fs.mkdirSync(workspace);
    fs.symlinkSync(path.join(temp.dir, 'host'), path.join(workspace, 'out'));
    const result = await request(path.join(workspace, 'out', 'predictions.csv'), workspace);
    refused(result, 'not_a_file');
    expect(problems(result)).toContain('outside');
    const inside = write(workspace, 'predictions.csv', 'id,prediction\n1,cat\n2,dog\n');
    expect(await request(inside, workspace)).toMatchObject({ ok: true, value: 1 });
  });

  it('a path the system cannot even look up is a failed evaluation, with the error code only', async () => {
    const result = await request(path.join(temp.dir, `${'n'.repeat(300)}.csv`));
    refused(result, 'unreadable');
    expect(problems(result)).toContain('(ENAMETOOLONG)');
  });

  const root = process.getuid?.() === 0;
  it.skipIf(root)(
    skippedTitle('an unreadable file is a failed evaluation', root && 'root reads any file'),
    async () => {
      const file = write(temp.dir, 'p.csv', 'id,prediction\n1,cat\n2,dog\n');
      fs.chmodSync(file, 0o000);
      refused(await request(file), 'unreadable');
    },
  );

  it('echoes of the file are short and sanitised', async () => {
    const header = `\u001b[31m${'A'.repeat(5000)},${Array.from({ length: 50 }, (_, i) => `c${i}`).join(',')}`;
    const result = await request(write(temp.dir, 'p.csv', `${header}\nrow\n`));
    expect(result).toMatchObject({ ok: false, problems: [{ code: 'missing_column' }] });
    const message = problems(result);
    expect(message).not.toContain('\u001b');
    expect(message).not.toContain('A'.repeat(100));
    expect(message.length).toBeLessThan(600);
    const unknown = await request(
      write(temp.dir, 'q.csv', `id,prediction\n1,${'x'.repeat(10_000)}\u0007\n2,dog\n`),
    );
    expect(problems(unknown).length).toBeLessThan(600);
    expect(problems(unknown)).not.toContain('\u0007');
  });
});
