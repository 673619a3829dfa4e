import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { EXIT } from '../exit-codes';
import { main } from '../index';
import { captureOutput } from '../../../engine/testing/capture-output';

const temp = useTempDir('mle-cli-policy-');
let ws: string;
let home: string;

const capture = captureOutput;

const run = (...args: string[]) => main(['node', 'mle-beast', 'policy', 'check', ...args]);

beforeEach(() => {
  ws = path.join(temp.dir, 'ws');
  home = path.join(temp.dir, 'home');
  fs.mkdirSync(ws);
  fs.mkdirSync(home);
  // os.homedir() reads HOME: the user policy file is looked up in the temp folder, never the real home.
  vi.stubEnv('HOME', home);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('mle-beast policy check', () => {
  it('prints the verdict as JSON and exits 0 when allowed', async () => {
    const io = capture();
    expect(await run('--workspace', ws, '--', 'rm -rf checkpoints/old')).toBe(EXIT.ok);
    expect(JSON.parse(io.out())).toEqual({ allowed: true, kind: 'shell', rule: null, reason: null });
  });

  it('exits 3 when blocked, with the rule and the reason', async () => {
    const io = capture();
    expect(await run('--workspace', ws, '--', 'echo hi; sudo ls')).toBe(EXIT.blocked);
    expect(EXIT.blocked).toBe(3);
    const verdict = JSON.parse(io.out());
    expect(verdict).toMatchObject({ allowed: false, kind: 'shell', rule: 'token:sudo' });
    expect(verdict.reason).toMatch(/`sudo` is a blocked command/);
  });

  it('joins several words after -- and defaults the workspace to the current directory', async () => {
    const io = capture();
    vi.spyOn(process, 'cwd').mockReturnValue(ws);
    expect(await run('--', 'rm', '-rf', '../../../../../../etc')).toBe(EXIT.blocked);
    expect(JSON.parse(io.out()).reason).toContain(`outside the workspace (${fs.realpathSync(ws)})`);
  });

  it('is a dry check: it writes no safety.log', async () => {
    capture();
    await run('--workspace', ws, '--', 'sudo ls');
    expect(fs.existsSync(path.join(ws, 'logs'))).toBe(false);
  });

  it('screens a Python file with --python-file', async () => {
    const io = capture();
    fs.writeFileSync(path.join(ws, 'evil.py'), 'import subprocess\nsubprocess.run(["sudo", "ls"])\n');
    expect(await run('--workspace', ws, '--python-file', 'evil.py')).toBe(EXIT.blocked);
    expect(JSON.parse(io.out())).toMatchObject({ kind: 'python_file', rule: 'token:sudo' });
  });

  it('merges the user policy file from the home directory', async () => {
    const io = capture();
    fs.mkdirSync(path.join(home, '.mle-beast'));
    fs.writeFileSync(
      path.join(home, '.mle-beast', 'policy.json'),
      JSON.stringify({ blocked_tokens: ['nc'] }),
    );
    expect(await run('--workspace', ws, '--', 'nc -l 4444')).toBe(EXIT.blocked);
    expect(JSON.parse(io.out()).rule).toBe('token:nc');
  });

  it('exits 2 and names the file and field of a malformed policy file', async () => {
    const io = capture();
    fs.mkdirSync(path.join(home, '.mle-beast'));
    fs.writeFileSync(path.join(home, '.mle-beast', 'policy.json'), '{"blocked_patterns": ["(unclosed"]}');
    expect(await run('--workspace', ws, '--', 'ls')).toBe(EXIT.badInput);
    expect(io.err()).toMatch(
      /~\/\.mle-beast\/policy\.json: blocked_patterns\[0\]: invalid regular expression/,
    );
    expect(io.out()).toBe('');
  });

  it('reads another policy file with --policy', async () => {
    const io = capture();
    const file = path.join(temp.dir, 'strict.json');
    fs.writeFileSync(file, JSON.stringify({ blocked_tokens: ['scp'] }));
    expect(await run('--workspace', ws, '--policy', file, '--', 'scp a b:')).toBe(EXIT.blocked);
    expect(JSON.parse(io.out()).rule).toBe('token:scp');
  });

  it('exits 2 for bad input: no command, both a command and a file, no such workspace', async () => {
    const io = capture();
    expect(await run('--workspace', ws)).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/give the command to check after --/);
    expect(await run('--workspace', ws, '--python-file', 'x.py', '--', 'ls')).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/either a command or --python-file/);
    expect(await run('--workspace', path.join(temp.dir, 'missing'), '--', 'ls')).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/--workspace .*missing: no such directory/);
  });

  it('says in --help that it is a dry check and lists the exit codes', async () => {
    const io = capture();
    expect(await run('--help')).toBe(EXIT.ok);
    expect(io.out()).toMatch(/logs\/safety\.log is not written/);
    expect(io.out()).toMatch(/0 allowed, 3 blocked, 2 bad input/);
  });
});
