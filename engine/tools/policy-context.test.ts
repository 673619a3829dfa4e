import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalSandbox } from '../sandbox/local-sandbox';
import type { Sandbox } from '../sandbox/types';
import { makeTempDir } from '../testing/temp-dir';
import { executeTool } from './execute';
import { policyContext } from './shell';
import { makeToolContext } from './testing/tool-context';

// Issue 8: the tools hand the policy the app's data folder (off limits), the visible data inside it (readable)
// and, in Docker, the container's own /tmp as the private temp folder. Real files, the real local sandbox.

const temp = makeTempDir('mle-beast-policy-context-');
afterAll(() => temp.cleanup());

describe('the policy context of the tools', () => {
  it('a run cannot read or change the hidden labels or the database, but reads its visible data', async () => {
    const home = path.join(temp.dir, 'app');
    const data = path.join(home, 'runs', 'r1', 'data');
    const ws = path.join(home, 'workspaces', 'ws');
    for (const dir of [ws, path.join(data, 'visible'), path.join(data, 'labels')])
      fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(data, 'visible', 'train.csv'), 'x,y\n1,0\n');
    fs.writeFileSync(path.join(data, 'labels', 'final.csv'), 'id,label\n7,1\n');
    fs.writeFileSync(path.join(home, 'mle_beast.db'), 'db');
    const visible = path.join(data, 'visible');
    const started = await startLocalSandbox({ runId: 'policy-context', workspaceDir: ws, dataDir: visible });
    if (!started.ok) throw started.error;
    try {
      const ctx = {
        ...makeToolContext(ws, { sandbox: started.value, dataDir: visible }),
        privateDirs: [home],
      };
      const shell = (command: string) =>
        executeTool({ id: null, name: 'run_shell_command', args: { command } }, ctx);

      const labels = await shell(`cat ${data}/labels/final.csv`);
      expect(labels.ok).toBe(false);
      expect(labels.text).toMatch(
        /^ERROR: blocked by safety policy: `cat` names .*labels\/final\.csv, in the app's data folder/,
      );
      const db = await shell(`rm -f ${home}/mle_beast.db`);
      expect(db.text).toMatch(/^ERROR: blocked by safety policy: `rm` would change .*mle_beast\.db/);
      expect(fs.readFileSync(path.join(home, 'mle_beast.db'), 'utf8')).toBe('db');
      expect(fs.readFileSync(path.join(data, 'labels', 'final.csv'), 'utf8')).toBe('id,label\n7,1\n');

      // The visible data as the sandbox shows it (/data under bubblewrap, as in Docker).
      const ok = await shell(`head -1 ${started.value.paths.data}/train.csv`);
      expect(ok.text).toBe('Output:\nx,y\nErrors:\n\nExit code: 0');
      if (started.value.isolation === 'bubblewrap') {
        // Its /tmp is private: the policy lets commands write there.
        expect(policyContext(ctx).tempDir).toBe('/tmp');
        const tmp = await shell('echo x > /tmp/scratch && cat /tmp/scratch');
        expect(tmp.text).toBe('Output:\nx\nErrors:\n\nExit code: 0');
      }

      fs.writeFileSync(path.join(ws, 'peek.py'), `print(open("${data}/labels/final.csv").read())\n`);
      const py = await executeTool(
        { id: null, name: 'run_python_file', args: { file_path: 'peek.py' } },
        ctx,
      );
      expect(py.text).toMatch(
        /^ERROR: blocked by safety policy: peek\.py: line 1 names .*labels\/final\.csv/,
      );
      expect(fs.readFileSync(path.join(ws, 'logs', 'safety.log'), 'utf8')).toMatch(
        /\tshell\tprivate-path\tcat /,
      );
    } finally {
      await started.value.stop();
    }
  });

  it('in Docker, /tmp is the private temp folder and /data the readable data', () => {
    const ws = fs.mkdtempSync(path.join(temp.dir, 'ws-'));
    const docker: Sandbox = {
      kind: 'docker',
      isolation: 'container',
      runId: 'x',
      id: 'x',
      paths: { workspace: '/workspace', data: '/data' },
      gpu: false,
      warnings: [],
      exec: () => Promise.reject(new Error('runs nothing')),
      stop: () => Promise.resolve(),
    };
    const ctx = { ...makeToolContext(ws, { sandbox: docker }), privateDirs: ['/srv/app'] };
    expect(policyContext(ctx)).toMatchObject({
      workspaceDir: '/workspace',
      tempDir: '/tmp',
      privateDirs: ['/srv/app'],
      readableDirs: ['/data'],
    });
    const local = makeToolContext(ws);
    expect(policyContext(local).tempDir).toBeUndefined();
  });
});
