import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSandbox, type LocalSandbox } from '../sandbox/local-sandbox';
import { makeTempDir } from '../testing/temp-dir';
import type { ToolContext } from './context';
import { executeTool } from './execute';
import { launchScript } from './launch';
import { parseImportErrors, runTests } from './pytest';
import { makeToolContext } from './testing/tool-context';

// The executors against the LOCAL sandbox (python3 with pytest on this machine).

const temp = makeTempDir('mle-beast-tools-local-');
let n = 0;
let sandboxes: LocalSandbox[] = [];

async function setup(options: { network?: boolean; signal?: AbortSignal; outputCapChars?: number } = {}) {
  const ws = path.join(temp.dir, `ws${++n}`);
  const data = path.join(temp.dir, `data${n}`);
  fs.mkdirSync(ws);
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(data, 'train.csv'), 'x,y\n1,0\n');
  const started = await startLocalSandbox({ runId: `tools-${n}`, workspaceDir: ws, dataDir: data });
  if (!started.ok) throw started.error;
  sandboxes.push(started.value);
  const logs: { source: string; stream: string; line: string }[] = [];
  const metrics: Record<string, number>[] = [];
  const ctx = makeToolContext(ws, {
    sandbox: started.value,
    dataDir: data,
    ...options,
    onLog: (source, stream, line) => logs.push({ source, stream, line }),
    onMetrics: (values) => metrics.push(values),
  });
  const run = (name: string, args: Record<string, unknown>) => executeTool({ id: null, name, args }, ctx);
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(ctx.workspaceDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(ctx.workspaceDir, rel), text);
  };
  return { ctx, ws: ctx.workspaceDir, run, write, logs, metrics };
}

afterEach(async () => {
  for (const s of sandboxes) await s.stop();
  sandboxes = [];
});
afterAll(() => temp.cleanup());

describe('run_shell_command (local sandbox)', () => {
  it('runs in the workspace root and formats output, errors and exit code', async () => {
    const { run, logs } = await setup();
    const r = await run('run_shell_command', { command: 'pwd; echo oops >&2; exit 3' });
    expect(r.ok).toBe(false);
    // In the OS sandbox the workspace is at /workspace, as in Docker.
    expect(r.text).toBe('Output:\n/workspace\nErrors:\noops\nExit code: 3');
    expect(logs).toContainEqual({ source: 'tool', stream: 'stderr', line: 'oops' });
    expect((await run('run_shell_command', { command: 'head -1 "$MLE_BEAST_DATA/train.csv"' })).text).toBe(
      'Output:\nx,y\nErrors:\n\nExit code: 0',
    );
  });

  it('blocks a command by policy, logs it in logs/safety.log, and does not run it', async () => {
    const { run, ws } = await setup();
    const r = await run('run_shell_command', { command: 'sudo touch marker' });
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/^ERROR: blocked by safety policy: /);
    expect(fs.existsSync(path.join(ws, 'marker'))).toBe(false);
    expect(fs.readFileSync(path.join(ws, 'logs', 'safety.log'), 'utf8')).toMatch(
      /\tshell\ttoken:sudo\tsudo touch marker\n$/,
    );
    const outside = await run('run_shell_command', { command: 'echo x > /etc/mle-beast-tools-test' });
    expect(outside.text).toMatch(/path-containment|outside the workspace/);
  });

  it('times out, killing the command', async () => {
    const { run } = await setup();
    const r = await run('run_shell_command', { command: 'echo start; sleep 20', timeout: 1 });
    expect(r.durationMs).toBeLessThan(10_000);
    expect(r.text).toContain('start');
    expect(r.text).toMatch(/Exit code: none\ntimed out after 1 s/);
  });

  it('cuts long output to the budget, head and tail', async () => {
    const { run } = await setup({ outputCapChars: 1000 });
    const r = await run('run_shell_command', { command: 'seq 1 20000' });
    expect(r.text.length).toBeLessThan(1200);
    expect(r.text).toMatch(/^Output:\n1\n2\n/);
    expect(r.text).toMatch(/characters omitted/);
    expect(r.text).toMatch(/20000\nErrors:/);
  });
});

describe('run_python_file (local sandbox)', () => {
  it('runs python3 with shell-like args, PYTHONPATH at the workspace and MPLBACKEND=Agg', async () => {
    const { run, write } = await setup();
    write('helpers/util.py', 'VALUE = 42\n');
    write(
      'scripts/show.py',
      'import os, sys\nfrom helpers.util import VALUE\nprint(VALUE, os.environ["MPLBACKEND"], sys.argv[1:])\n',
    );
    const r = await run('run_python_file', { file_path: 'scripts/show.py', args: `--name "a b" --lr=0.1` });
    expect(r.text).toBe("Output:\n42 Agg ['--name', 'a b', '--lr=0.1']\nErrors:\n\nExit code: 0");
  });

  it('screens the file with the policy first', async () => {
    const { run, write, ws } = await setup();
    write('bad.py', 'import os\nos.system("sudo rm -rf /")\n');
    const r = await run('run_python_file', { file_path: 'bad.py' });
    expect(r.text).toMatch(/^ERROR: blocked by safety policy: bad\.py: /);
    expect(fs.readFileSync(path.join(ws, 'logs', 'safety.log'), 'utf8')).toContain('python_file');
    expect((await run('run_python_file', { file_path: 'missing.py' })).text).toMatch(
      /^ERROR: missing\.py does not exist/,
    );
    expect((await run('run_python_file', { file_path: 'bad.py', args: '--x $(id)' })).text).toMatch(
      /^ERROR: args/,
    );
  });
});

describe('run_tests / runTests (local sandbox)', () => {
  it('counts passes and failures and lists the failing tests', async () => {
    const { run, write, ctx, logs } = await setup();
    write('tests/test_a.py', 'def test_ok():\n    assert True\n\ndef test_bad():\n    assert 1 == 2\n');
    write('tests/test_b.py', 'import pytest\n\n@pytest.mark.skip\ndef test_skip():\n    pass\n');
    const result = await runTests(ctx, { timeoutMs: 60_000 });
    expect(result.counts).toEqual({ passed: 1, failed: 1, errors: 0, skipped: 1, total: 3 });
    expect(result.summaryFound).toBe(true);
    expect(result.failedIds).toEqual(['tests/test_a.py::test_bad']);
    expect(result.exitCode).toBe(1);
    expect(logs.some((l) => l.source === 'tests')).toBe(true);
    const r = await run('run_tests', {});
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(
      /^Tests FAILED \(exit code 1\)\.\nSummary: 1 passed, 1 failed, 0 errors, 1 skipped \(3 total\)\nFailing: tests\/test_a\.py::test_bad/,
    );
  });

  it('says when all pass, and when none were collected', async () => {
    const { run, write } = await setup();
    write('tests/test_ok.py', 'def test_ok():\n    assert True\n');
    write('tests/other.py', '');
    expect((await run('run_tests', { test_file: 'tests/test_ok.py' })).text).toMatch(
      /^All tests passed!\nSummary: 1 passed/,
    );
    expect((await run('run_tests', { test_file: 'tests/other.py' })).text).toMatch(
      /^No tests were collected/,
    );
  });
});

describe('import errors behind failing tests (local sandbox)', () => {
  it("quote Python's own line, not pytest's collection header", async () => {
    const { run, write, ctx } = await setup();
    write('model.py', 'import mle_beast_no_such_module as m\n');
    write('tests/test_smoke.py', 'import model\n\ndef test_ok():\n    assert True\n');
    const result = await runTests(ctx, { timeoutMs: 60_000 });
    expect(result.output).toMatch(/ImportError while importing test module/);
    expect(parseImportErrors(result.output)).toEqual([
      "ModuleNotFoundError: No module named 'mle_beast_no_such_module'",
    ]);
    const r = await run('run_tests', {});
    expect(r.text).toMatch(
      /\nImport errors: ModuleNotFoundError: No module named 'mle_beast_no_such_module'\n/,
    );
  });
});

describe('launchScript (local sandbox)', () => {
  it('streams output to the log file and onLog, and new metrics.jsonl lines to onMetrics', async () => {
    const { ctx, write, ws, logs, metrics } = await setup();
    write('logs/metrics.jsonl', '{"epoch": 0, "train_loss": 9}\n'); // from an earlier run: not reported
    write(
      'train.py',
      [
        'import json, sys, time',
        'print("args", sys.argv[1:])',
        'with open("logs/metrics.jsonl", "w") as f:  # recreated (truncated) by the script',
        '    for epoch in range(1, 4):',
        '        f.write(json.dumps({"epoch": epoch, "train_loss": 1.0 / epoch, "note": "x"}) + "\\n")',
        '        f.write("not json\\n")',
        '        f.flush()',
        '        print(f"epoch {epoch}")',
        '        print(f"warn {epoch}", file=sys.stderr)',
        '        time.sleep(0.3)',
      ].join('\n'),
    );
    const r = await launchScript(ctx, {
      kind: 'training',
      scriptPath: 'train.py',
      args: ['--epochs', '3'],
      logFile: 'logs/training.log',
      timeoutMs: 60_000,
    });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false, logPath: 'logs/training.log' });
    expect(r.tail).toContain('epoch 3');
    const log = fs.readFileSync(path.join(ws, 'logs/training.log'), 'utf8');
    expect(log).toContain("args ['--epochs', '3']");
    expect(log).toContain('epoch 2');
    expect(log).toContain('warn 2');
    expect(logs).toContainEqual({ source: 'training', stream: 'stdout', line: 'epoch 1' });
    expect(logs).toContainEqual({ source: 'training', stream: 'stderr', line: 'warn 3' });
    expect(metrics).toEqual([
      { epoch: 1, train_loss: 1 },
      { epoch: 2, train_loss: 0.5 },
      { epoch: 3, train_loss: 1 / 3 },
    ]);
  });

  it('reports only lines appended after the launch', async () => {
    const { ctx, write, metrics } = await setup();
    write('logs/metrics.jsonl', '{"epoch": 0}\n');
    write(
      'train.py',
      'with open("logs/metrics.jsonl", "a") as f:\n    f.write(\'{"epoch": 1, "acc": 0.5}\')\n',
    );
    const r = await launchScript(ctx, {
      kind: 'training',
      scriptPath: 'train.py',
      args: [],
      logFile: 'logs/t.log',
      timeoutMs: 30_000,
    });
    expect(r.exitCode).toBe(0);
    expect(metrics).toEqual([{ epoch: 1, acc: 0.5 }]); // the last line had no newline: read at the end
  });

  it('truncates the log at the start and never writes through a link', async () => {
    const { ctx, write, ws } = await setup();
    write('logs/training.log', 'old content\n');
    write('train.py', 'print("new")\n');
    await launchScript(ctx, {
      kind: 'training',
      scriptPath: 'train.py',
      args: [],
      logFile: 'logs/training.log',
      timeoutMs: 30_000,
    });
    expect(fs.readFileSync(path.join(ws, 'logs/training.log'), 'utf8')).toBe('new\n');
    const target = path.join(temp.dir, `target-${n}.txt`);
    fs.writeFileSync(target, 'keep');
    fs.symlinkSync(target, path.join(ws, 'logs', 'link.log'));
    const r = await launchScript(ctx, {
      kind: 'training',
      scriptPath: 'train.py',
      args: [],
      logFile: 'logs/link.log',
      timeoutMs: 30_000,
    });
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/^ERROR: .*symbolic link/);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep');
  });

  it('returns at once with cancelled=true when the signal aborts', async () => {
    const controller = new AbortController();
    const { ctx, write } = await setup({ signal: controller.signal });
    write('train.py', 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)\n');
    const started = performance.now();
    setTimeout(() => controller.abort(), 500);
    const r = await launchScript(ctx, {
      kind: 'training',
      scriptPath: 'train.py',
      args: [],
      logFile: 'logs/training.log',
      timeoutMs: 120_000,
    });
    expect(r.cancelled).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('reports a timeout, a missing script and a blocked one without throwing', async () => {
    const { ctx, write } = await setup();
    write('slow.py', 'import time\ntime.sleep(30)\n');
    const slow = await launchScript(ctx, {
      kind: 'evaluate',
      scriptPath: 'slow.py',
      args: [],
      logFile: 'logs/eval.log',
      timeoutMs: 500,
    });
    expect(slow).toMatchObject({ timedOut: true, exitCode: null });
    const missing = await launchScript(ctx, {
      kind: 'evaluate',
      scriptPath: 'nope.py',
      args: [],
      logFile: 'logs/eval.log',
      timeoutMs: 500,
    });
    expect(missing.error).toBe('ERROR: nope.py does not exist');
    write('evil.py', 'import subprocess\nsubprocess.run("git push origin main", shell=True)\n');
    const evil = await launchScript(ctx, {
      kind: 'evaluate',
      scriptPath: 'evil.py',
      args: [],
      logFile: 'logs/eval.log',
      timeoutMs: 500,
    });
    expect(evil.error).toMatch(/^ERROR: blocked by safety policy/);
    expect(evil.tail).toEqual([evil.error]);
  });
});

describe('launch_training / launch_evaluate tools (local sandbox)', () => {
  it('gives the status, the log path and the last lines', async () => {
    const { run, write } = await setup();
    write('train.py', 'import sys\nfor i in range(40):\n    print("line", i)\nsys.exit(int(sys.argv[1]))\n');
    const ok = await run('launch_training', { args: '0' });
    expect(ok.ok).toBe(true);
    expect(ok.text).toMatch(
      /^Training finished successfully \(exit code 0\) in [\d.]+ s\.\nLog: logs\/training\.log\nLast 10 lines of output:\nline 30\n/,
    );
    const bad = await run('launch_training', { args: '2' });
    expect(bad.ok).toBe(false);
    expect(bad.text).toMatch(/^ERROR: training failed \(exit code 2\)/);
    expect(bad.text).toContain('Last 25 lines of output:\nline 15\n');
    write('evaluate.py', 'for i in range(40):\n    print("e", i)\n');
    const ev = await run('launch_evaluate', {});
    expect(ev.text).toMatch(
      /^Evaluation finished successfully.*\nLog: logs\/eval\.log\nLast 15 lines of output:\ne 25\n/s,
    );
  });
});

describe('download_url (loopback server)', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/file.txt') res.end('hello from loopback');
      else if (req.url === '/big') {
        res.writeHead(200, { 'content-length': String(2000) });
        res.end('x'.repeat(2000));
      } else if (req.url === '/slow') setTimeout(() => res.end('late'), 5000);
      else {
        res.statusCode = 404;
        res.end('no');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('downloads into the workspace, and refuses other schemes, errors and escapes', async () => {
    const { run, ws } = await setup({ network: true });
    const r = await run('download_url', { url: `${base}/file.txt`, dest_path: 'data/f.txt' });
    expect(r).toMatchObject({ ok: true });
    expect(r.text).toBe(`Downloaded ${base}/file.txt to data/f.txt (19 bytes).`);
    expect(fs.readFileSync(path.join(ws, 'data/f.txt'), 'utf8')).toBe('hello from loopback');
    expect((await run('download_url', { url: `${base}/missing`, dest_path: 'm.txt' })).text).toMatch(
      /^ERROR: .*404/,
    );
    expect(fs.existsSync(path.join(ws, 'm.txt'))).toBe(false);
    expect((await run('download_url', { url: 'file:///etc/passwd', dest_path: 'p' })).text).toMatch(
      /only http/,
    );
    expect((await run('download_url', { url: `${base}/file.txt`, dest_path: '../x' })).text).toMatch(
      /outside/,
    );
  });

  it('enforces the size cap and the timeout', async () => {
    const { ctx, ws } = await setup({ network: true });
    const { downloadUrlTool } = await import('./download');
    await expect(
      downloadUrlTool(ctx, { url: `${base}/big`, dest_path: 'big' }, { maxBytes: 1000 }),
    ).rejects.toThrow(/limit/);
    await expect(
      downloadUrlTool(ctx, { url: `${base}/slow`, dest_path: 'slow' }, { timeoutMs: 300 }),
    ).rejects.toThrow(/timed out/);
    expect(fs.readdirSync(ws)).toEqual([]);
  });
});

export type { ToolContext };
