import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { ShuffledWriter } from './shuffled-writer';

const temp = useTempDir();
const key = (i: number) => createHash('sha256').update(String(i)).digest('hex').slice(0, 16);

describe('ShuffledWriter', () => {
  it('writes entries in key order across several buckets, multi-line text intact, and cleans up', async () => {
    // 20 MB expected: five 4 MB buckets, so the key-range split between buckets is exercised.
    const writer = await ShuffledWriter.create(temp.dir, 'split', 20 * 1024 * 1024);
    expect(fs.readdirSync(temp.dir).filter((f) => f.endsWith('.bucket'))).toHaveLength(5);
    for (let i = 0; i < 2000; i += 1) await writer.add(key(i), `id${i}`, `${key(i)},"line\n${i}"\n`);
    const target = path.join(temp.dir, 'out.csv');
    expect(await writer.finish(target, 'key,text\n')).toEqual({ duplicateId: null });
    const text = fs.readFileSync(target, 'utf8');
    const keys = [...text.matchAll(/^([0-9a-f]{16}),/gm)].map((m) => m[1]!);
    expect(keys).toHaveLength(2000);
    expect(keys).toEqual([...keys].sort());
    expect(text.startsWith('key,text\n')).toBe(true);
    expect(text).toContain(`${key(7)},"line\n7"\n`);
    expect(fs.readdirSync(temp.dir)).toEqual(['out.csv']);
  });

  it('reports an id used twice', async () => {
    const writer = await ShuffledWriter.create(temp.dir, 'split', 0);
    await writer.add(key(1), 'same', 'a\n');
    await writer.add(key(1), 'same', 'b\n');
    expect(await writer.finish(path.join(temp.dir, 'out.csv'), '')).toEqual({ duplicateId: 'same' });
  });

  it('abort removes its buckets', async () => {
    const writer = await ShuffledWriter.create(temp.dir, 'split', 0);
    await writer.add(key(1), 'x', 'a\n');
    await writer.abort();
    expect(fs.readdirSync(temp.dir)).toEqual([]);
  });
});
