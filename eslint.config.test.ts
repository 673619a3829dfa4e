import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The architecture's import boundaries are lint errors; these probes prove the rules bite.
const eslint = new ESLint({ cwd: import.meta.dirname });
const messagesOf = async (filePath: string, code: string, rule: string | string[]) => {
  const [result] = await eslint.lintText(code, { filePath });
  const rules = [rule].flat();
  return result!.messages.filter((m) => m.ruleId && rules.includes(m.ruleId)).map((m) => m.message);
};
// Hosts' dynamic imports of engine internals are caught by no-restricted-syntax.
const lint = (filePath: string, code: string) =>
  messagesOf(filePath, code, ['no-restricted-imports', 'no-restricted-syntax']);

describe('import boundaries', () => {
  it.each([
    ['engine/probe.ts', "import { app } from 'electron';"],
    ['engine/store/probe.ts', "import React from 'react';"],
    ['policy/probe.ts', "import { ipcMain } from 'electron';"],
    ['renderer/src/probe.ts', "import fs from 'node:fs';"],
    ['renderer/src/probe.ts', "import { spawn } from 'child_process';"],
    ['renderer/src/probe.ts', "import { openStore } from '../../engine/store/database';"],
    ['renderer/src/probe.ts', "import { dispatch } from '../../engine/api/dispatch';"],
    ['renderer/src/probe.ts', "import { ipcRenderer } from 'electron';"],
    ['main/server/probe.ts', "import { app } from 'electron';"],
    ['main/electron/probe.ts', "import { ipcMain } from 'electron';"],
    // Hosts reach the engine only through the contract and the service entry.
    ['main/cli/probe.ts', "import { inspectImage } from '../../engine/sandbox/images';"],
    ['main/cli/commands/probe.ts', "import { loadPolicy } from '../../../policy/index';"],
    ['main/cli/commands/probe.ts', "const m = await import('../../../engine/examples/index');"],
    // The agent benchmark suite's entry only, not its internals.
    ['main/cli/commands/probe.ts', "const m = await import('../../../engine/agent-bench/run-suite');"],
    ['main/server/probe.ts', "import { createEngine } from '../../engine/service/engine';"],
    ['main/electron/probe.ts', "import { RunManager } from '../../engine/runs';"],
    ['preload/probe.ts', "import { openStore } from '../engine/store/database';"],
  ])('%s may not `%s`', async (file, code) => {
    expect(await lint(file, `${code}\nexport {};\n`)).not.toEqual([]);
  });

  it.each([
    ['renderer/src/probe.ts', "import { commands } from '../../engine/api';"],
    ['renderer/src/probe.ts', "import type { Settings } from '../../engine/api/settings';"],
    ['engine/probe.ts', "import fs from 'node:fs';"],
    ['main/electron/probe.ts', "import { app } from 'electron';"],
    ['preload/probe.ts', "import { contextBridge } from 'electron';"],
    ['main/cli/probe.ts', "import { commands } from '../../engine/api';"],
    ['main/cli/probe.ts', "import { dispatch } from '../../engine/api/dispatch';"],
    ['main/cli/probe.ts', "import { createEngine } from '../../engine/service/index';"],
    ['main/cli/probe.ts', "import { PRODUCT } from '../../engine/version';"],
    ['main/cli/index.ts', "import { registerPolicy } from './commands/policy';"],
    ['preload/probe.ts', "import { isCommandName } from '../engine/api/contract';"],
    // Tests and test scaffolding may set up what they need.
    ['main/cli/probe.test.ts', "import { useTempDir } from '../../engine/testing/temp-dir';"],
    ['main/cli/testing/probe.ts', "import { readRunLog } from '../../../engine/runs/run-logs';"],
    ['main/cli/commands/probe.ts', "const m = await import('../../../engine/service/index');"],
    ['main/cli/commands/probe.ts', "const m = await import('../../../engine/agent-bench/index');"],
  ])('%s may `%s`', async (file, code) => {
    expect(await lint(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});

// The engine's layers (engine/layers.js): a probe file placed in a layer imports a real module of another.
describe('engine layers', () => {
  // The first file that imports the engine makes import-x read the whole module graph (for no-cycle): seconds
  // on a busy machine. Done once here, with room, so the probes below stay within the test timeout.
  beforeAll(async () => {
    await eslint.lintText("import '../runs/run-manager';\n", { filePath: 'engine/service/warm-up.ts' });
  }, 120_000);

  const layers = (file: string, code: string) =>
    messagesOf(file, `${code}\nexport {};\n`, 'import-x/no-restricted-paths');

  it.each([
    ['engine/config/probe.ts', "import { RunManager } from '../runs/run-manager';"],
    ['engine/api/probe.ts', "import { loadProjectConfig } from '../config';"],
    ['engine/sandbox/os-sandbox/probe.ts', "import { toolsFor } from '../../tools';"],
    ['engine/pipeline/probe.ts', "import { RunManager } from '../runs/run-manager';"],
    // A type import ties a folder to a higher one all the same.
    ['engine/runs/probe.ts', "import type { Engine } from '../service/engine';"],
    ['policy/probe.ts', "import { scorePredictions } from '../engine/scoring';"],
    // The service never reaches up into the agent benchmark suite that drives it.
    ['engine/service/probe.ts', "import { runSuite } from '../agent-bench/run-suite';"],
  ])('%s may not `%s` (a higher layer)', async (file, code) => {
    const messages = await layers(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/may not import a higher layer/);
  });

  it.each([
    ['engine/pipeline/probe.ts', "import { openStore } from '../store/database';"],
    ['engine/config/probe.ts', "import { isBetter } from '../api/vocabulary';"],
    // Same layer (domain): allowed, as long as it makes no cycle.
    ['engine/scoring/probe.ts', "import { sortClasses } from '../datasets/label-collector';"],
    ['engine/workspace/probe.ts', "import { loadPolicy } from '../../policy';"],
    ['engine/service/probe.ts', "import { RunManager } from '../runs/run-manager';"],
    // Tests put the layers together: exempt.
    ['engine/config/probe.test.ts', "import { toDatasetSource } from '../datasets/config-source';"],
  ])('%s may `%s`', async (file, code) => {
    expect(await layers(file, code)).toEqual([]);
  });
});

describe('test scaffolding', () => {
  const scaffolding = (file: string, code: string) =>
    messagesOf(file, `${code}\nexport {};\n`, 'import-x/no-restricted-paths');

  it.each([
    ['engine/runs/probe.ts', "import { openTestRun } from './testing/engine-run';"],
    ['engine/demo/probe.ts', "import { localToolRunner } from './testing/local-actor';"],
    ['main/cli/probe.ts', "import { fakeSummary } from './testing/fake-engine';"],
  ])('product file %s may not `%s`', async (file, code) => {
    expect(await scaffolding(file, code)).toEqual([expect.stringMatching(/Test scaffolding/)]);
  });

  it.each([
    ['engine/runs/probe.test.ts', "import { openTestRun } from './testing/engine-run';"],
    ['engine/runs/probe.bench.ts', "import { openTestRun } from './testing/engine-run';"],
    ['engine/runs/testing/probe.ts', "import { openTestRun } from './engine-run';"],
  ])('%s may `%s`', async (file, code) => {
    expect(await scaffolding(file, code)).toEqual([]);
  });
});

// Cycles: the probe stands in for a real module and imports one that already imports it.
describe('import cycles', () => {
  const cycles = (file: string, code: string) => messagesOf(file, code, 'import-x/no-cycle');

  it('engine/api/vocabulary.ts importing ./runs (which imports it) is a cycle', async () => {
    expect(
      await cycles(
        'engine/api/vocabulary.ts',
        "import { RunSummary } from './runs';\nexport const x = RunSummary;\n",
      ),
    ).not.toEqual([]);
  });

  it('a command importing the CLI program that registers it is a cycle', async () => {
    expect(
      await cycles('main/cli/commands/run.ts', "import { main } from '../index';\nexport const m = main;\n"),
    ).not.toEqual([]);
  });

  it('a type-only import is not followed (it vanishes at runtime)', async () => {
    expect(
      await cycles(
        'engine/api/vocabulary.ts',
        "import type { RunSummary } from './runs';\nexport type X = RunSummary;\n",
      ),
    ).toEqual([]);
  });
});
