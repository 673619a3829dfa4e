import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The architecture's import boundaries are lint errors; these probes prove the rules bite.
const eslint = new ESLint({ cwd: import.meta.dirname });
const lint = async (filePath: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
};

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
  ])('%s may `%s`', async (file, code) => {
    expect(await lint(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});
