import fs from 'node:fs/promises';
import path from 'node:path';
import { classWarnings } from './class-warnings';
import { ColumnProfile } from './column-profile';
import { CsvSyntaxError, readCsvRecords } from './csv-records';
import { sniffDelimiter } from './csv-records';
import { combineDigests, StreamDigest, type FileDigest } from './fingerprint';
import type { Inspection } from './inspection';
import {
  at,
  cappedList,
  error,
  IssueTally,
  plural,
  quote,
  warning,
  type IntakeResult,
  failedIntake,
  ignoredFileWarnings,
} from './issues';
import { classCounts, decideTask, LabelCollector, spellingWarnings, targetStats } from './label-collector';
import { guessLabelColumn, suggestColumn, type LabelGuess } from './label-inference';
import type { DatasetIssue, DatasetSource, DatasetSummary } from './schemas';
import type { SourcePaths } from './source-paths';
import { materializeTabular, type TabularFile, type TabularLayout } from './tabular-holdout';
import { isMissing, parseNumber } from './values';

/** Rows read to guess the label column before the full pass (the guess needs value statistics). */
const GUESS_SAMPLE_ROWS = 10_000;
/** Ids of one file checked for repeats; beyond it, only ids already seen are (a warning, not a guarantee). */
const ID_CHECK_CAP = 2_000_000;

export async function inspectTabular(
  paths: SourcePaths,
  source: DatasetSource,
  signal?: AbortSignal,
): Promise<IntakeResult<Inspection>> {
  const issues: DatasetIssue[] = ignoredFileWarnings(paths.ignored);
  const fail = (): IntakeResult<Inspection> => failedIntake(issues);
  try {
    const trainHead = await readHeader(paths.train);
    if (!trainHead.ok) {
      issues.push(trainHead.issue);
      return fail();
    }
    const header = trainHead.header;
    issues.push(...checkHeader(paths.train, header));
    if (issues.some((i) => i.severity === 'error')) return fail();

    // The label: named by the user, or guessed from a sample with the reason kept for the UI.
    let labelIndex: number;
    let guess: LabelGuess | null = null;
    if (source.labelColumn !== undefined) {
      labelIndex = header.indexOf(source.labelColumn);
      if (labelIndex < 0) {
        const near = suggestColumn(source.labelColumn, header);
        issues.push(
          error(
            'missing_label_column',
            `${at(paths.train, 1)}no column named ${quote(source.labelColumn)} (columns: ${cappedList(header.map(quote), header.length, 12)}).${near ? ` Did you mean ${quote(near)}?` : ''} Set the label column to one of the columns.`,
            { file: paths.train, line: 1 },
          ),
        );
        return fail();
      }
    } else {
      const sample = await profileSample(paths.train, trainHead.delimiter, header, signal);
      if (sample.rows === 0) {
        issues.push(
          error('no_rows', `${paths.train}: only a header, no data rows. Add the data below the header.`, {
            file: paths.train,
          }),
        );
        return fail();
      }
      guess = guessLabelColumn(sample.profiles);
      if (!guess && sample.ragged > 0) {
        // Ragged rows starve the guess of values; the full scan reports them, which is the real problem.
        guess = {
          column: header[header.length - 1] as string,
          reason: '',
          byPositionOnly: true,
          alternatives: [],
        };
      }
      if (!guess) {
        issues.push(
          error(
            'label_not_inferred',
            `${at(paths.train, 1)}cannot tell which column is the label: none has a label-like name (label, target, class, y, outcome...) and the last column ${quote(header[header.length - 1] ?? '')} looks like an identifier or free text. Set the label column.`,
            { file: paths.train, line: 1 },
          ),
        );
        return fail();
      }
      labelIndex = header.indexOf(guess.column);
    }
    const labelName = header[labelIndex] as string;
    if (labelName === 'id') {
      issues.push(
        error(
          'label_is_id',
          `${at(paths.train, 1)}the label column cannot be 'id': the engine joins predictions on 'id'. Rename the column.`,
          {
            file: paths.train,
            line: 1,
          },
        ),
      );
      return fail();
    }
    const idColumns = header
      .map((name, i) => (i !== labelIndex && name.trim().toLowerCase() === 'id' ? i : -1))
      .filter((i) => i >= 0);
    const idIndex = idColumns.includes(header.indexOf('id')) ? header.indexOf('id') : (idColumns[0] ?? -1);

    const profiles = header.map((name) => new ColumnProfile(name));
    const labels = new LabelCollector();
    const files: TabularFile[] = [];
    const scan = async (role: 'train' | 'test', file: string, delimiter: string, order: number[] | null) => {
      const result = await scanFile({
        role,
        file,
        delimiter,
        order,
        header,
        labelIndex,
        idIndex,
        profiles,
        labels,
        signal,
      });
      issues.push(...result.issues);
      files.push({
        role,
        path: file,
        name: `${role}/${path.basename(file)}`,
        delimiter,
        sha256: result.sha256,
        bytes: result.bytes,
        rows: result.rows,
        order,
      });
    };
    await scan('train', paths.train, trainHead.delimiter, null);

    let testPath = paths.test;
    if (testPath) {
      const testHead = await readHeader(testPath);
      if (!testHead.ok) {
        issues.push(testHead.issue);
        return fail();
      }
      const match = matchTestHeader(testPath, testHead.header, header, labelName);
      if (!match.ok && match.missingLabel && paths.testByConvention) {
        // A Kaggle-style test.csv without answers: useful to nobody here, so it is left out, with a word.
        issues.push(
          warning(
            'test_without_labels',
            `${testPath} has no ${quote(labelName)} column, so it cannot be scored; it is not used, and the hidden holdout is carved from ${path.basename(paths.train)}.`,
            { file: testPath, line: 1 },
          ),
        );
        testPath = undefined;
      } else if (!match.ok) {
        issues.push(match.issue);
        return fail();
      } else {
        await scan('test', testPath, testHead.delimiter, match.order);
      }
    }
    if (issues.some((i) => i.severity === 'error')) return fail();

    const trainFile = files[0] as TabularFile;
    if (trainFile.rows === 0) {
      issues.push(
        error('no_rows', `${paths.train}: only a header, no data rows. Add the data below the header.`, {
          file: paths.train,
        }),
      );
      return fail();
    }
    const testFile = files.find((f) => f.role === 'test');
    if (testFile && testFile.rows === 0) {
      issues.push(
        error('no_rows', `${testFile.path}: only a header, no data rows.`, { file: testFile.path }),
      );
      return fail();
    }

    issues.push(...spellingWarnings(labels.mergeNumericSpellings(), labelName));
    const decision = decideTask(labels, labelName, source.taskType);
    if (!decision.ok) {
      issues.push(error('task_mismatch', decision.message, { file: decision.file, line: decision.line }));
      return fail();
    }
    const task = decision.task;
    issues.push(...columnWarnings(profiles, labelIndex));
    if (guess?.byPositionOnly) {
      issues.push(
        warning(
          'label_by_position',
          `the label column ${quote(labelName)} was chosen only because it is the last column: check it, or set the label column.`,
        ),
      );
    }
    if (guess && guess.alternatives.length > 0) {
      issues.push(
        warning(
          'label_ambiguous',
          `${quote(labelName)} was taken as the label; ${cappedList(guess.alternatives.map(quote), guess.alternatives.length)} also ${guess.alternatives.length === 1 ? 'looks' : 'look'} like a label. Set the label column if another is meant.`,
        ),
      );
    }

    const digests: FileDigest[] = files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes }));
    const fingerprint = combineDigests(digests);
    const labelProfile = profiles[labelIndex] as ColumnProfile;
    const summary: DatasetSummary = {
      kind: 'tabular',
      paths: { train: paths.train, ...(testFile ? { test: testFile.path } : {}) },
      rows: labels.size,
      rowsByRole: { train: trainFile.rows, test: testFile?.rows ?? 0 },
      label: {
        name: labelName,
        inferred: guess !== null,
        reason: guess
          ? labelReason(guess, labelProfile, labelIndex === header.length - 1)
          : 'set for this run',
      },
      task,
      ...(task.type === 'classification'
        ? { classes: classCounts(labels) }
        : { target: targetStats(labels.numericValues()) }),
      columns: profiles.map((p, i) => p.summary(i === labelIndex)),
      files: {
        count: files.length,
        totalBytes: files.reduce((a, f) => a + f.bytes, 0),
        sample: files.map((f) => ({ path: f.path, role: f.role, bytes: f.bytes })),
      },
      fingerprint,
      warnings: issues.filter((i) => i.severity === 'warning'),
    };
    issues.push(...classWarnings(summary));
    summary.warnings = issues.filter((i) => i.severity === 'warning');
    const fromTest = testFile ? new Uint8Array(labels.size).fill(1, trainFile.rows) : null;
    const layout: TabularLayout = {
      header,
      labelIndex,
      idColumns,
      idIndex,
      files,
      canonicalLabel: (label) => labels.canonical(label),
    };
    return {
      ok: true,
      warnings: summary.warnings,
      value: {
        summary,
        task: task.type,
        labels,
        fromTest,
        dataBytes: summary.files.totalBytes,
        materialize: (context) => materializeTabular(layout, context),
      },
    };
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      issues.push(error('csv_syntax', err.message, { file: err.file, line: err.line }));
      return fail();
    }
    throw err;
  }
}

type HeaderRead = { ok: true; header: string[]; delimiter: string } | { ok: false; issue: DatasetIssue };

async function readHeader(file: string): Promise<HeaderRead> {
  const stat = await fs.stat(file);
  if (stat.size === 0) {
    return {
      ok: false,
      issue: error(
        'empty_file',
        `${file} is empty: a CSV needs a header row naming the columns, then one row per example.`,
        { file },
      ),
    };
  }
  const delimiter = sniffDelimiter(file);
  for await (const record of readCsvRecords(file, { delimiter })) {
    return { ok: true, header: record.fields, delimiter };
  }
  return {
    ok: false,
    issue: error(
      'empty_file',
      `${file} holds only blank lines: a CSV needs a header row, then one row per example.`,
      { file },
    ),
  };
}

function checkHeader(file: string, header: string[]): DatasetIssue[] {
  const issues: DatasetIssue[] = [];
  const where = { file, line: 1 };
  if (header.length < 2) {
    issues.push(
      error(
        'one_column',
        `${at(file, 1)}the header has a single column (${quote(header[0] ?? '')}); a dataset needs features and a label. If the file uses another delimiter, save it as comma-separated.`,
        where,
      ),
    );
    return issues;
  }
  if (header.every((h) => parseNumber(h) !== null)) {
    issues.push(
      error(
        'no_header',
        `${at(file, 1)}the first line looks like data (every field is a number), not a header: add a first line naming the columns.`,
        where,
      ),
    );
  }
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      issues.push(
        error(
          'duplicate_column',
          `${at(file, 1)}columns ${first + 1} and ${i + 1} are both named ${quote(name)}: rename one, since a column must be found by its name.`,
          where,
        ),
      );
    } else seen.set(name, i);
    if (name.trim() === '' && first === undefined) {
      issues.push(
        warning(
          'unnamed_column',
          `${at(file, 1)}column ${i + 1} has no name (pandas calls it 'Unnamed: ${i}').`,
          where,
        ),
      );
    }
  });
  return issues;
}

/** A test file's columns must be the training file's; the order may differ. */
function matchTestHeader(
  file: string,
  testHeader: string[],
  header: string[],
  labelName: string,
): { ok: true; order: number[] | null } | { ok: false; missingLabel: boolean; issue: DatasetIssue } {
  const where = { file, line: 1 };
  const position = new Map(testHeader.map((h, i) => [h, i]));
  const missing = header.filter((h) => !position.has(h));
  const extra = testHeader.filter((h) => !header.includes(h));
  if (missing.includes(labelName)) {
    return {
      ok: false,
      missingLabel: true,
      issue: error(
        'test_without_labels',
        `${at(file, 1)}the test split has no ${quote(labelName)} column: the engine scores the test split, so it needs its labels (they stay hidden from the agent). Add the column, or leave out the test split to carve a holdout from the training data.`,
        where,
      ),
    };
  }
  if (missing.length > 0 || extra.length > 0 || testHeader.length !== header.length) {
    const parts = [
      missing.length ? `missing ${cappedList(missing.map(quote), missing.length)}` : '',
      extra.length ? `extra ${cappedList(extra.map(quote), extra.length)}` : '',
    ].filter(Boolean);
    return {
      ok: false,
      missingLabel: false,
      issue: error(
        'test_columns_differ',
        `${at(file, 1)}the test split's columns differ from the training data's (${parts.join('; ') || 'a column appears twice'}). Both files need the same columns.`,
        where,
      ),
    };
  }
  const order = header.map((h) => position.get(h) as number);
  return { ok: true, order: order.every((p, i) => p === i) ? null : order };
}

async function profileSample(
  file: string,
  delimiter: string,
  header: string[],
  signal?: AbortSignal,
): Promise<{ profiles: ColumnProfile[]; rows: number; ragged: number }> {
  const profiles = header.map((name) => new ColumnProfile(name));
  let rows = 0;
  let ragged = 0;
  for await (const record of readCsvRecords(file, { delimiter, signal })) {
    if (record.index === 0) continue;
    if (record.index > GUESS_SAMPLE_ROWS) break;
    rows += 1;
    if (record.fields.length !== header.length) {
      ragged += 1;
      continue;
    }
    record.fields.forEach((value, i) => profiles[i]?.add(value, file, record.line));
  }
  return { profiles, rows, ragged };
}

interface ScanInput {
  role: 'train' | 'test';
  file: string;
  delimiter: string;
  order: number[] | null;
  header: string[];
  labelIndex: number;
  idIndex: number;
  profiles: ColumnProfile[];
  labels: LabelCollector;
  signal?: AbortSignal;
}

/** The full pass over one file: statistics, labels, the content hash, and every row-level problem. */
async function scanFile(input: ScanInput) {
  const { file, header, labelIndex, idIndex, profiles, labels, order } = input;
  const digest = new StreamDigest();
  const ragged = new IssueTally('error', 'ragged_row', file);
  const emptyLabel = new IssueTally('error', 'empty_label', file);
  // The data's ids join nothing (holdout examples get engine ids), so these are warnings about the data, and
  // a file's ids are compared within that file only: a train and a test file may both count from 1.
  const emptyId = new IssueTally('warning', 'empty_id', file);
  const duplicateId = new IssueTally('warning', 'duplicate_id', file);
  const ids = idIndex >= 0 ? new Map<string, number>() : null;
  let rows = 0;
  for await (const record of readCsvRecords(file, {
    delimiter: input.delimiter,
    onBytes: digest.update,
    signal: input.signal,
  })) {
    if (record.index === 0) continue;
    rows += 1;
    if (record.fields.length !== header.length) {
      ragged.add(record.line, `${record.fields.length}`);
      continue;
    }
    const fields = order ? order.map((j) => record.fields[j] as string) : record.fields;
    for (let i = 0; i < fields.length; i += 1) profiles[i]?.add(fields[i] as string, file, record.line);
    const label = fields[labelIndex] as string;
    if (isMissing(label)) emptyLabel.add(record.line, label);
    else labels.add(label, file, record.line);
    if (ids && idIndex >= 0) {
      const id = fields[idIndex] as string;
      if (id.trim() === '') emptyId.add(record.line);
      else if (ids.size < ID_CHECK_CAP || ids.has(id)) {
        const first = ids.get(id);
        if (first !== undefined) duplicateId.add(record.line, `${quote(id)}, first on line ${first}`);
        else ids.set(id, record.line);
      }
    }
  }
  const labelName = header[labelIndex] as string;
  const idName = header[idIndex] ?? 'id';
  const issues = [
    ragged.toIssue(
      (n, _lines, first) =>
        `${plural(n, 'row')} with a different number of fields than the header's ${header.length} (the first has ${first}). Look for an unquoted delimiter inside a value, or a missing value; quote fields that contain commas.`,
    ),
    emptyLabel.toIssue(
      (n) =>
        `${plural(n, 'row')} with an empty or missing (NA, null...) label in column ${quote(labelName)}. Every example needs a label: fill ${n === 1 ? 'it' : 'them'} in or remove ${n === 1 ? 'the row' : 'those rows'}.`,
    ),
    emptyId.toIssue(
      (n) =>
        `${plural(n, 'row')} with an empty ${quote(idName)}. Nothing depends on it (holdout examples get the engine's own ids), but pandas reads ${n === 1 ? 'it' : 'them'} as missing.`,
    ),
    duplicateId.toIssue(
      (n, _lines, first) =>
        `${plural(n, 'row')} ${n === 1 ? 'repeats' : 'repeat'} an ${quote(idName)} already used in ${file} (${first}). Nothing depends on it (holdout examples get the engine's own ids), but a repeated id often means a repeated row: check the file.`,
    ),
  ].filter((i): i is DatasetIssue => i !== null);
  return { issues, rows, sha256: digest.digest(), bytes: digest.bytes };
}

function labelReason(guess: LabelGuess, profile: ColumnProfile, isLast: boolean): string {
  const count = profile.distinctCapped
    ? `more than ${profile.distinct.size.toLocaleString('en-US')}`
    : profile.distinct.size.toLocaleString('en-US');
  const values = `${count} distinct ${profile.distinct.size === 1 ? 'value' : 'values'}`;
  const column = `${isLast ? 'last column' : 'column'} ${quote(guess.column)}`;
  return guess.byPositionOnly
    ? `${column} has ${values}; no column has a label-like name, and the label is conventionally last`
    : `${column} has ${values} and a label-like name`;
}

function columnWarnings(profiles: ColumnProfile[], labelIndex: number): DatasetIssue[] {
  const issues: DatasetIssue[] = [];
  profiles.forEach((p, i) => {
    if (i === labelIndex) return;
    if (p.present === 0) {
      issues.push(
        warning('empty_column', `column ${quote(p.name)} is empty in every row: it carries no information.`),
      );
    } else if (!p.allNumeric && p.numericCount / p.present >= 0.9 && p.firstNonNumeric) {
      const bad = p.firstNonNumeric;
      issues.push(
        warning(
          'mostly_numeric',
          `${at(bad.file, bad.line)}column ${quote(p.name)} is numeric except for ${plural(p.present - p.numericCount, 'value')} such as ${quote(bad.value)}; it will load as text unless those are cleaned.`,
          { file: bad.file, line: bad.line },
        ),
      );
    }
  });
  return issues;
}
