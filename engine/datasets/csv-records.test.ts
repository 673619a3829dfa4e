import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { csvLine, CsvSyntaxError, readCsvRecords, sniffDelimiter } from './csv-records';
import { write } from './testing/files';

const temp = useTempDir();

async function records(file: string, delimiter = ',') {
  const out = [];
  for await (const r of readCsvRecords(file, { delimiter })) out.push(r);
  return out;
}

describe('readCsvRecords', () => {
  it('gives the line each record starts on, across quoted newlines, blank lines, CRLF and a BOM', async () => {
    const file = write(temp.dir, 'a.csv', '\uFEFFa,b,c\r\n1,2,3\r\n\r\n4,"x\ny",6\n7,8,9\n');
    const got = await records(file);
    expect(got.map((r) => [r.index, r.line, r.fields])).toEqual([
      [0, 1, ['a', 'b', 'c']],
      [1, 2, ['1', '2', '3']],
      [2, 4, ['4', 'x\ny', '6']],
      [3, 6, ['7', '8', '9']],
    ]);
  });

  it('keeps ragged rows for the caller to report', async () => {
    const file = write(temp.dir, 'a.csv', 'a,b\n1\n1,2,3\n');
    expect((await records(file)).map((r) => r.fields.length)).toEqual([2, 1, 3]);
  });

  it('keeps a stray quote inside an unquoted value, as pandas does', async () => {
    const file = write(temp.dir, 'a.csv', 'size,name\n5" screen,tv\n');
    expect((await records(file))[1]?.fields).toEqual(['5" screen', 'tv']);
  });

  it('throws a located error for a quote never closed', async () => {
    const file = write(temp.dir, 'a.csv', 'a,b\n1,2\n3,"open\n4,5\n');
    const err = await records(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvSyntaxError);
    expect((err as CsvSyntaxError).message).toMatch(
      new RegExp(`^${file.replace(/[/.]/g, '\\$&')} line \\d+: a quoted field`),
    );
    expect((err as CsvSyntaxError).line).toBeGreaterThanOrEqual(3);
  });

  it('feeds every byte to the tap', async () => {
    const content = 'a,b\n1,2\n';
    const file = write(temp.dir, 'a.csv', content);
    let bytes = 0;
    for await (const _ of readCsvRecords(file, { delimiter: ',', onBytes: (c) => (bytes += c.length) }))
      void _;
    expect(bytes).toBe(Buffer.byteLength(content));
  });
});

describe('sniffDelimiter', () => {
  it('picks the delimiter that splits the header most, ignoring quoted ones', () => {
    expect(sniffDelimiter(write(temp.dir, 'a.csv', 'a;b;c\n1;2;3\n'))).toBe(';');
    expect(sniffDelimiter(write(temp.dir, 'b.csv', '"x,y";b;c\n'))).toBe(';');
    expect(sniffDelimiter(write(temp.dir, 'c.csv', 'a,b\n'))).toBe(',');
    expect(sniffDelimiter(write(temp.dir, 'd.csv', 'a|b|c\n'))).toBe('|');
    expect(sniffDelimiter(write(temp.dir, 'e.tsv', 'a,b,c\n'))).toBe('\t');
    expect(sniffDelimiter(path.join(write(temp.dir, 'f.csv', 'single\n')))).toBe(',');
  });
});

describe('csvLine', () => {
  it('quotes only what must be quoted, and round-trips through the reader', async () => {
    const fields = ['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded ', ''];
    const line = csvLine(fields);
    expect(line).toBe('plain,"a,b","say ""hi""","two\nlines"," padded ",\n');
    const file = write(temp.dir, 'r.csv', `h1,h2,h3,h4,h5,h6\n${line}`);
    expect((await records(file))[1]?.fields).toEqual(fields);
  });
});
