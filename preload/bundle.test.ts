import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { commandNames, eventNames } from '../engine/api/contract';
import { COMMAND_NAMES, EVENT_NAMES, isCommandName, isEventName } from '../engine/api/names';

// The preload is one self-contained file (electron.vite.config.ts bundles everything it imports), loaded
// before every page: it must not carry zod (or any schema) only to look a name up. Bundled here the way the
// build does (CommonJS, electron external), so this fails on an import that drags zod in, built or not.
const ROOT = path.resolve(import.meta.dirname, '..');

describe('the preload bundle', () => {
  it('contains no zod and stays small', async () => {
    const result = await build({
      entryPoints: [path.join(ROOT, 'preload/index.ts')],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      external: ['electron'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((file) => file.includes('engine/api/names.ts'))).toBe(true);
    expect(inputs.filter((file) => /node_modules[\\/]zod[\\/]/.test(file))).toEqual([]);
    expect(inputs.filter((file) => /engine[\\/]api[\\/]contract\.ts$/.test(file))).toEqual([]);
    const text = result.outputFiles[0]!.text;
    expect(text).not.toMatch(/\bZodError\b|\$ZodType/);
    expect(text.length).toBeLessThan(20_000);
  });
});

describe('names.ts', () => {
  it('lists exactly the contract’s commands and events (the compile-time check, at run time)', () => {
    expect([...COMMAND_NAMES].sort()).toEqual([...commandNames].sort());
    expect([...EVENT_NAMES].sort()).toEqual([...eventNames].sort());
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
  });

  it('accepts declared names only', () => {
    expect(isCommandName('runs.start')).toBe(true);
    expect(isCommandName('runs.nope')).toBe(false);
    expect(isCommandName('toString')).toBe(false);
    expect(isCommandName(42)).toBe(false);
    expect(isEventName('run.events')).toBe(true);
    expect(isEventName('hasOwnProperty')).toBe(false);
  });
});
