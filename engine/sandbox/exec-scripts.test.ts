import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import {
  EXEC_TOKEN_ENV,
  KILL_SCRIPT,
  OOM_SCRIPT,
  REQUIREMENTS_SCRIPT,
  WRAPPER_ENV,
  WRAPPER_SCRIPT,
  helperCommand,
  parseOomReport,
  wrappedCommand,
} from './exec-scripts';

// The in-container scripts are plain POSIX sh: they run the same on this Linux host (with their state folder
// moved into a temp dir), which tests their logic without Docker. The Docker tests run them for real.

const linux = process.platform === 'linux';

/** Every live (non-zombie) process whose command line starts with `marker` (set with `exec -a`). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.startsWith(marker)) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe.skipIf(!linux)('exec scripts (run on the host)', () => {
  const temp = useTempDir();

  function runWrapped(token: string, argv: string[]) {
    const child = spawn(wrappedCommand(token, argv)[0]!, wrappedCommand(token, argv).slice(1), {
      env: {
        ...process.env,
        [EXEC_TOKEN_ENV]: token,
        [WRAPPER_ENV]: WRAPPER_SCRIPT,
        MLE_BEAST_EXEC_DIR: temp.dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    const done = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    return { child, done, output: () => out };
  }

  function helper(script: string, token: string): { status: number | null; stdout: string } {
    const [command, ...args] = helperCommand(script, [token]);
    const r = spawnSync(command!, args, {
      env: { ...process.env, MLE_BEAST_EXEC_DIR: temp.dir },
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout };
  }

  it('passes the exit code through, including 128+n for a signal', async () => {
    expect(await runWrapped('t-exit', ['sh', '-c', 'exit 7']).done).toBe(7);
    expect(await runWrapped('t-sig', ['sh', '-c', 'kill -KILL $$']).done).toBe(137);
    const hello = runWrapped('t-out', ['echo', 'hello world']);
    expect(await hello.done).toBe(0);
    expect(hello.output()).toBe('hello world\n');
  });

  it('the kill script ends the whole tree: background children and a child in its own session', async () => {
    const marker = `mle-tree-${process.pid}`;
    const run = runWrapped('t-kill', [
      'bash',
      '-c',
      `exec -a ${marker}-a sleep 1000 & (exec -a ${marker}-b sleep 1000) & setsid bash -c "exec -a ${marker}-c sleep 1000" & wait`,
    ]);
    expect(await waitFor(() => processesWith(marker).length === 3, 5000)).toBe(true);
    const started = Date.now();
    expect(helper(KILL_SCRIPT, 't-kill').status).toBe(0);
    expect(await waitFor(() => processesWith(marker).length === 0, 2000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await run.done).not.toBe(0);
    expect(fs.readdirSync(temp.dir)).toEqual([]);
  });

  it('when the command ends, what it left running in the background is swept too', async () => {
    const marker = `mle-bg-${process.pid}`;
    const run = runWrapped('t-bg', ['bash', '-c', `(exec -a ${marker} sleep 1000) & echo started`]);
    expect(await run.done).toBe(0);
    expect(run.output()).toBe('started\n');
    expect(await waitFor(() => processesWith(marker).length === 0, 1000)).toBe(true);
  });

  it('reads the oom counter before and after (empty where no memory cgroup is readable)', () => {
    fs.writeFileSync(`${temp.dir}/t-oom.oom`, '3\n');
    const report = helper(OOM_SCRIPT, 't-oom');
    expect(report.status).toBe(0);
    expect(report.stdout).toMatch(/^oom 3 \d*\n$/);
    expect(fs.existsSync(`${temp.dir}/t-oom.oom`)).toBe(false);
  });

  it('the requirements script passes on a normal Linux', () => {
    const r = spawnSync('bash', ['-c', REQUIREMENTS_SCRIPT], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/ok/);
    expect(r.status).toBe(0);
  });
});

describe('parseOomReport', () => {
  it('says whether the counter grew, or null when it cannot tell', () => {
    expect(parseOomReport('oom 0 1\n')).toBe(true);
    expect(parseOomReport('oom 2 2\n')).toBe(false);
    expect(parseOomReport('oom  \n')).toBeNull();
    expect(parseOomReport('oom 1 \n')).toBeNull();
    expect(parseOomReport('garbage')).toBeNull();
  });
});
