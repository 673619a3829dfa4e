import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { checkShellCommand } from './check-shell';
import { loadPolicy } from './load-policy';
it('probe', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
  fs.symlinkSync('/etc', path.join(ws, 'etc_link'));
  fs.mkdirSync(path.join(ws, 'logs'));
  const policy = loadPolicy({ homeDir: '/nonexistent' });
  const cmds = (process.env.CMDS ?? '').split('\n').filter(Boolean);
  for (const c of cmds) {
    const v = await checkShellCommand(policy, c, { workspaceDir: ws, homeDir: '/nonexistent' });
    console.log(JSON.stringify(c), '=>', v.allowed ? 'ALLOWED' : `${v.rule}: ${v.reason}`);
  }
});
