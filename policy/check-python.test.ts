import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../engine/testing/temp-dir';
import { checkPythonFile } from './check-python';
import { loadPolicy } from './load-policy';

const temp = useTempDir('mle-policy-py-');
const HOME = '/nonexistent-mle-beast-test-home';
const policy = loadPolicy({ homeDir: HOME });

let ws: string;
beforeEach(() => {
  ws = path.join(temp.dir, 'ws');
  fs.mkdirSync(ws);
});

async function screen(code: string, file = 'script.py') {
  fs.writeFileSync(path.join(ws, file), code);
  return checkPythonFile(policy, file, { workspaceDir: ws, homeDir: HOME });
}

describe('checkPythonFile', () => {
  it('allows ordinary training code', async () => {
    const verdict = await screen(
      [
        'import subprocess, sys, shutil',
        'subprocess.run([sys.executable, "-m", "pip", "install", "-q", "timm"], check=True)',
        'subprocess.run("nvidia-smi", shell=True)',
        'shutil.rmtree("checkpoints/old", ignore_errors=True)',
        'print("pseudo-random seed", 42)',
      ].join('\n'),
    );
    expect(verdict).toEqual({ allowed: true, kind: 'python_file', rule: null, reason: null });
  });

  it('blocks a blocked token in a subprocess argument list, naming the line', async () => {
    const verdict = await screen('import subprocess\n\nsubprocess.run(["sudo", "apt", "install", "x"])\n');
    expect(verdict).toMatchObject({ allowed: false, kind: 'python_file', rule: 'token:sudo' });
    expect(verdict.reason).toMatch(
      /^script\.py: line 3: subprocess\.run\(\.\.\.\) runs `sudo apt install x`/,
    );
  });

  it('runs os.system strings through the shell checker (patterns and containment too)', async () => {
    expect((await screen('import os\nos.system("rm -rf /")')).rule).toMatch(/^pattern:\\brm/);
    expect((await screen('import os\nos.system("echo hi > /etc/motd")')).rule).toBe('path-containment');
    expect((await screen('import os\nos.system("git -C repo push")')).rule).toBe('git-push');
  });

  it('blocks literal deletions outside the workspace', async () => {
    const verdict = await screen('import shutil\nshutil.rmtree("/usr/lib/python3")\n');
    expect(verdict).toMatchObject({ rule: 'path-containment' });
    expect(verdict.reason).toMatch(/line 2: shutil\.rmtree/);
  });

  it('allows what only the running program knows (a text scan cannot evaluate Python)', async () => {
    expect(
      (await screen('import os, subprocess\nos.system(cmd)\nsubprocess.run([tool, path])\n')).allowed,
    ).toBe(true);
    expect((await screen('import os\nos.system(f"rm -rf {tmp}")\n')).allowed).toBe(true);
  });

  it("keeps the original's plain token scan: a mention anywhere blocks", async () => {
    const verdict = await screen('# needs sudo to install drivers\nprint(1)\n');
    expect(verdict).toMatchObject({ allowed: false, rule: 'token:sudo' });
    expect(verdict.reason).toMatch(/line 1 mentions `sudo`/);
    expect((await screen('import sudoku\nprint("pseudo-random")\n')).allowed).toBe(true);
  });

  it('accepts an absolute path, and fails closed on a file it cannot read', async () => {
    fs.writeFileSync(path.join(ws, 'abs.py'), 'print(1)\n');
    expect(
      (await checkPythonFile(policy, path.join(ws, 'abs.py'), { workspaceDir: ws, homeDir: HOME })).allowed,
    ).toBe(true);
    const missing = await checkPythonFile(policy, 'missing.py', { workspaceDir: ws, homeDir: HOME });
    expect(missing).toMatchObject({ allowed: false, rule: 'unscreenable-file' });
    expect(missing.reason).toMatch(/cannot screen missing\.py \(no such file\)/);
  });
});
