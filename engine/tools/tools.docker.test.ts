import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemon, dockerSuiteTitle, startTestSandbox } from '../testing/docker';
import type { DockerSandbox } from '../sandbox/docker-sandbox';
import { makeTempDir } from '../testing/temp-dir';
import type { ToolContext } from './context';
import { executeTool } from './execute';
import { launchScript } from './launch';
import { runTests } from './pytest';
import { makeToolContext } from './testing/tool-context';

// The tools against the real Docker sandbox (image: `mle-beast sandbox build --offline`). Where no Docker daemon
// answers, the suite is skipped with the reason in its title; a missing image fails the tests.

describe.skipIf(!daemon.available)(dockerSuiteTitle('agent tools in the Docker sandbox'), () => {
  const temp = makeTempDir('mle-beast-tools-docker-');
  const workspace = path.join(temp.dir, 'workspace');
  const data = path.join(temp.dir, 'data');
  let sandbox: DockerSandbox;
  const logs: { source: string; stream: string; line: string }[] = [];
  const metrics: Record<string, number>[] = [];
  let controller = new AbortController();
  let ctx: ToolContext;
  const run = (name: string, args: Record<string, unknown>) => executeTool({ id: null, name, args }, ctx);
  const write = (rel: string, text: string) =>
    executeTool({ id: null, name: 'write_file', args: { file_path: rel, content: text } }, ctx);

  beforeAll(async () => {
    fs.mkdirSync(workspace, { mode: 0o700 });
    fs.mkdirSync(data, { mode: 0o700 });
    fs.writeFileSync(path.join(data, 'train.csv'), 'x,y\n1,0\n2,1\n');
    sandbox = await startTestSandbox({
      runId: `tools-test-${process.pid}`,
      workspaceDir: workspace,
      dataDir: data,
    });
    ctx = {
      ...makeToolContext(workspace, {
        sandbox,
        dataDir: data,
        onLog: (source, stream, line) => logs.push({ source, stream, line }),
        onMetrics: (values) => metrics.push(values),
      }),
      get signal() {
        return controller.signal;
      },
    };
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    temp.cleanup();
  });

  it('sees the workspace at /workspace and the data read-only at /data', async () => {
    expect(sandbox.paths).toEqual({ workspace: '/workspace', data: '/data' });
    const r = await run('run_shell_command', {
      command: 'pwd && wc -l < /data/train.csv && echo hi > /workspace/hi.txt',
    });
    expect(r.text).toBe('Output:\n/workspace\n3\nErrors:\n\nExit code: 0');
    expect(fs.readFileSync(path.join(ctx.workspaceDir, 'hi.txt'), 'utf8')).toBe('hi\n');
    expect((await run('read_file', { file_path: '/workspace/hi.txt' })).text).toBe('hi\n');
    expect((await run('list_files', { directory: '/data' })).text).toContain('[FILE] train.csv (12 bytes)');
    await write('ro.py', 'open("/data/new.csv", "w")\n');
    const ro = await run('run_python_file', { file_path: 'ro.py' });
    expect(ro.ok).toBe(false);
    expect(ro.text).toMatch(/Read-only file system/);
  });

  it('blocks a command by policy before it reaches the container, and logs it', async () => {
    const r = await run('run_shell_command', { command: 'sudo rm -rf /workspace/*' });
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/^ERROR: blocked by safety policy: /);
    const escape = await run('run_shell_command', { command: 'cd / && rm -rf etc' });
    expect(escape.text).toMatch(/^ERROR: blocked by safety policy: .*outside the workspace/);
    const log = fs.readFileSync(path.join(ctx.workspaceDir, 'logs', 'safety.log'), 'utf8');
    expect(log).toMatch(/\tshell\ttoken:sudo\tsudo rm -rf \/workspace\/\*\n/);
    expect(log).toMatch(/\tshell\tpath-containment\tcd \/ && rm -rf etc\n/);
    expect(fs.existsSync(path.join(ctx.workspaceDir, 'hi.txt'))).toBe(true);
  });

  it('runs a Python file and the tests', async () => {
    await write('util.py', 'def double(x):\n    return 2 * x\n');
    await write('scripts/run.py', 'import sys\nfrom util import double\nprint(double(int(sys.argv[1])))\n');
    expect((await run('run_python_file', { file_path: 'scripts/run.py', args: '21' })).text).toBe(
      'Output:\n42\nErrors:\n\nExit code: 0',
    );
    await write(
      'tests/test_util.py',
      'from util import double\n\ndef test_double():\n    assert double(2) == 4\n',
    );
    const result = await runTests(ctx, { timeoutMs: 60_000 });
    expect(result.counts).toEqual({ passed: 1, failed: 0, errors: 0, skipped: 0, total: 1 });
    expect(result.exitCode).toBe(0);
  });

  it('launchScript streams the log and the metrics.jsonl lines written in the container', async () => {
    await write(
      'train.py',
      [
        'import argparse, json, os, time',
        'p = argparse.ArgumentParser()',
        'p.add_argument("--data-path")',
        'p.add_argument("--epochs", type=int)',
        'a = p.parse_args()',
        'os.makedirs("logs", exist_ok=True)',
        'print("rows", sum(1 for _ in open(os.path.join(a.data_path, "train.csv"))))',
        'with open("logs/metrics.jsonl", "a") as f:',
        '    for epoch in range(1, a.epochs + 1):',
        '        f.write(json.dumps({"epoch": epoch, "train_loss": 1 / epoch, "val_accuracy": 0.5 + epoch / 10}) + "\\n")',
        '        f.flush()',
        '        print(f"epoch {epoch} done")',
        '        time.sleep(0.4)',
      ].join('\n'),
    );
    logs.length = 0;
    metrics.length = 0;
    const seenDuringRun: number[] = [];
    const original = ctx.onMetrics;
    ctx.onMetrics = (values) => {
      seenDuringRun.push(performance.now());
      original?.(values);
    };
    const started = performance.now();
    const r = await launchScript(ctx, {
      kind: 'training',
      scriptPath: 'train.py',
      args: ['--data-path', '/data', '--epochs', '3'],
      logFile: 'logs/training.log',
      timeoutMs: 60_000,
    });
    const ended = performance.now();
    ctx.onMetrics = original;
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false, oomKilled: false });
    expect(r.tail).toEqual(['rows 3', 'epoch 1 done', 'epoch 2 done', 'epoch 3 done']);
    expect(fs.readFileSync(path.join(ctx.workspaceDir, 'logs/training.log'), 'utf8')).toBe(
      'rows 3\nepoch 1 done\nepoch 2 done\nepoch 3 done\n',
    );
    expect(logs.filter((l) => l.source === 'training').map((l) => l.line)).toEqual(r.tail);
    expect(metrics).toEqual([
      { epoch: 1, train_loss: 1, val_accuracy: 0.6 },
      { epoch: 2, train_loss: 0.5, val_accuracy: 0.7 },
      { epoch: 3, train_loss: 1 / 3, val_accuracy: 0.8 },
    ]);
    // Live: the first epoch's metrics arrived well before the script ended.
    expect(seenDuringRun[0]! - started).toBeLessThan(ended - started - 300);
  });

  it('cancel stops a sleeping script at once', async () => {
    await write('sleep.py', 'import time\nprint("sleeping", flush=True)\ntime.sleep(120)\n');
    controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const started = performance.now();
    const r = await launchScript(ctx, {
      kind: 'training',
      scriptPath: 'sleep.py',
      args: [],
      logFile: 'logs/sleep.log',
      timeoutMs: 300_000,
    });
    expect(r.cancelled).toBe(true);
    expect(performance.now() - started).toBeLessThan(10_000);
    controller = new AbortController();
  });
});
