import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../../engine/llm/scripted-server';
import { captureOutput } from '../../../engine/testing/capture-output';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { withEngine } from '../engine-call';
import { EXIT } from '../exit-codes';
import { main } from '../index';
import { AGENTS_START } from '../init/scaffold';
import { terminalPrompter } from '../init/prompt';
import { dockerReady, isolateEnv } from '../testing/isolate-env';
import { initCommand } from './init';

// `mle-beast init` on the real engine (the machine's Docker, git and Python) in fresh folders: without a terminal
// (every default, nothing read), and on a fake terminal that types a provider, a key or URL, and a model.

const temp = useTempDir('mle-cli-init-');
let server: ScriptedServer | null = null;
const KEY = 'sk-or-v1-fromtheshell0123456789abcdef';

beforeEach(() => isolateEnv(temp.dir));
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await server?.close();
  server = null;
});

const init = (...args: string[]) => main(['node', 'mle-beast', 'init', ...args]);
const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

describe('mle-beast init without a terminal', () => {
  it('--yes --no-validate-key with OPENROUTER_API_KEY in the shell: .env without the key, .gitignore, AGENTS.md', async () => {
    vi.stubEnv('OPENROUTER_API_KEY', KEY);
    const dir = path.join(temp.dir, 'fresh', 'project');
    const io = captureOutput();
    expect(await init('--yes', '--no-validate-key', '--cwd', dir)).toBe(
      dockerReady() ? EXIT.ok : EXIT.checksFailed,
    );

    const dotenv = read(dir, '.env');
    expect(dotenv).toMatch(/^MLE_BEAST_PROVIDER=openrouter$/m);
    expect(dotenv).toMatch(/^MLE_BEAST_MODEL=\S+$/m);
    expect(dotenv).not.toContain('OPENROUTER_API_KEY');
    expect(dotenv).not.toContain(KEY);
    expect(fs.statSync(path.join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(read(dir, '.gitignore')).toBe('.env\n');
    expect(read(dir, 'AGENTS.md')).toMatch(/^<!-- mle-beast:start[^\n]*\n# Driving mle-beast\n/);
    expect(read(dir, 'AGENTS.md')).toContain('mle-beast run ./data');

    // The key shown masked, never whole; where it stays said.
    expect(io.out()).toMatch(/Found openrouter: OPENROUTER_API_KEY=sk-or-v1-\.\.\.cdef \(shell\)/);
    expect(io.out()).toContain('OPENROUTER_API_KEY stays in your shell, not copied');
    expect(io.out() + io.err()).not.toContain(KEY);
    expect(io.out()).toMatch(/^ {2}skip {2}Model list \(live\) +not asked/m);
  });

  it("keeps an existing folder's lines (no --yes: no terminal, so the defaults) and never duplicates them", async () => {
    vi.stubEnv('OPENROUTER_API_KEY', KEY);
    vi.stubEnv('MLE_BEAST_MODEL', 'deepseek/deepseek-v4-flash');
    const dir = path.join(temp.dir, 'existing');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '.env'), '# mine\nFOO=bar\nMLE_BEAST_MODEL=old/model\n', { mode: 0o640 });
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n.env\n');
    fs.writeFileSync(path.join(dir, 'AGENTS.md'), '# Our rules\n\nUse tabs.\n');
    captureOutput();
    await init('--no-validate-key', '--cwd', dir);
    expect(read(dir, '.env')).toBe(
      '# mine\nFOO=bar\nMLE_BEAST_MODEL=deepseek/deepseek-v4-flash\nMLE_BEAST_PROVIDER=openrouter\n',
    );
    // No secret went in: the file keeps the mode its owner gave it.
    expect(fs.statSync(path.join(dir, '.env')).mode & 0o777).toBe(0o640);
    expect(read(dir, '.gitignore')).toBe('node_modules/\n.env\n');
    const agents = read(dir, 'AGENTS.md');
    expect(agents.startsWith('# Our rules\n\nUse tabs.\n\n<!-- mle-beast:start')).toBe(true);

    await init('--no-validate-key', '--cwd', dir);
    expect(read(dir, 'AGENTS.md')).toBe(agents);
    expect(read(dir, 'AGENTS.md').split(AGENTS_START)).toHaveLength(2);
  });

  it('no key anywhere: the files are written without a provider, and it exits 1 saying what to set', async () => {
    const dir = path.join(temp.dir, 'nokey');
    const io = captureOutput();
    expect(await init('--yes', '--no-validate-key', '--cwd', dir)).toBe(EXIT.checksFailed);
    expect(io.out()).toMatch(/No key for openrouter\. Set OPENROUTER_API_KEY in the shell or \.env/);
    expect(read(dir, '.env')).not.toMatch(/MLE_BEAST_PROVIDER/);
    expect(fs.existsSync(path.join(dir, 'AGENTS.md'))).toBe(true);
  });

  it('--check and a plain init exit 1 with a clear line when the Docker daemon does not answer; --check writes nothing', async () => {
    vi.stubEnv('OPENROUTER_API_KEY', KEY);
    vi.stubEnv('DOCKER_HOST', `unix://${path.join(temp.dir, 'no-docker.sock')}`);
    const dir = path.join(temp.dir, 'checked');
    fs.mkdirSync(dir);
    const io = captureOutput();
    expect(await init('--check', '--no-validate-key', '--cwd', dir)).toBe(EXIT.checksFailed);
    expect(io.err()).toMatch(
      /^mle-beast: the Docker daemon does not answer \(no answer at unix:\/\/.*no-docker\.sock/m,
    );
    expect(io.out()).toMatch(/^ {2}FAIL {2}Docker daemon /m);
    expect(fs.readdirSync(dir)).toEqual([]);

    expect(await init('--yes', '--no-validate-key', '--cwd', dir)).toBe(EXIT.checksFailed);
    expect(io.err().match(/the Docker daemon does not answer/g)).toHaveLength(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['.env', '.gitignore', 'AGENTS.md']);
  });

  it('--yes takes the closest listed name for a mistyped model, and writes no model the provider does not list', async () => {
    server = await startScriptedServer([], {
      modelEntries: [{ id: 'acme/big-coder-2', supported_parameters: ['tools'] }],
    });
    vi.stubEnv('LOCAL_LLM_BASE_URL', server.baseURL);
    vi.stubEnv('MLE_BEAST_MODEL', 'big codr');
    const io = captureOutput();
    const typo = path.join(temp.dir, 'typo');
    await init('--yes', '--cwd', typo);
    expect(io.out()).toContain('Model: acme/big-coder-2 (corrected from big codr)');
    expect(read(typo, '.env')).toMatch(/^MLE_BEAST_MODEL=acme\/big-coder-2$/m);
    // The server's URL came from the shell: not copied either.
    expect(read(typo, '.env')).not.toContain('LOCAL_LLM_BASE_URL');

    vi.stubEnv('MLE_BEAST_MODEL', 'qqqqqqqq');
    const unknown = path.join(temp.dir, 'unknown');
    expect(await init('--yes', '--cwd', unknown)).toBe(EXIT.checksFailed);
    expect(io.out()).toContain('qqqqqqqq is not listed by the provider, so it is not written');
    expect(read(unknown, '.env')).toMatch(/^MLE_BEAST_PROVIDER=local$/m);
    expect(read(unknown, '.env')).not.toContain('MLE_BEAST_MODEL');
  });

  it('refuses a --cwd that is a file (exit 2)', async () => {
    const file = path.join(temp.dir, 'a-file');
    fs.writeFileSync(file, '');
    const io = captureOutput();
    expect(await init('--yes', '--cwd', file)).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/is a file, not a folder/);
  });
});

/** init on a fake terminal: answers are typed as the questions appear; returns what the terminal showed. */
async function initOnTerminal(dir: string, answers: string[], validateKey: boolean) {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const screen = new PassThrough();
  let shown = '';
  screen.on('data', (c: Buffer) => (shown += c.toString()));
  const prompter = terminalPrompter(input, screen);
  const lines: string[] = [];
  // Each answer goes in when the screen shows a question (ends with ": ", "] " or "[Y/n] ").
  const typing = setInterval(() => {
    if (answers.length && /(: |\] )$/.test(shown)) {
      const answer = answers.shift()!;
      shown += '\u0000';
      input.write(`${answer}\n`);
    }
  }, 5);
  try {
    const code = await initCommand(
      { check: false, yes: false, validateKey, cwd: dir },
      {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
        prompter,
        env: { ...process.env },
        hasReport: false,
        withEngine: (d, env, fn) => withEngine(fn, { setupCheck: { cwd: d }, runs: { env } }),
      },
    );
    return { code, shown, printed: lines.join('\n'), left: answers };
  } finally {
    clearInterval(typing);
    prompter.close();
  }
}

describe('mle-beast init on a terminal', () => {
  it('a typed key goes into .env (0600) and is never shown', async () => {
    const dir = path.join(temp.dir, 'typed-key');
    const typed = 'sk-or-v1-typedbyhand0123456789abcdef';
    const r = await initOnTerminal(dir, ['1', typed, ''], false);
    expect(r.left).toEqual([]);
    expect(r.shown).toContain('Paste your OPENROUTER_API_KEY (it is not shown');
    expect(r.shown + r.printed).not.toContain(typed);
    expect(read(dir, '.env')).toMatch(new RegExp(`^OPENROUTER_API_KEY=${typed}$`, 'm'));
    expect(fs.statSync(path.join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(r.printed).toMatch(/^ {2}ok {4}API key +OPENROUTER_API_KEY=sk-or-v1-\.\.\.cdef \(typed here\)$/m);
    expect(r.printed).toMatch(/^ {2}skip {2}Model +\S+, not looked up in the list \(chosen here\)$/m);
  });

  it('a local server typed in, a mistyped model corrected from its live list', async () => {
    server = await startScriptedServer([], {
      modelEntries: [
        { id: 'acme/big-coder-2', supported_parameters: ['tools'] },
        { id: 'acme/tiny-chat', supported_parameters: [] },
      ],
    });
    const dir = path.join(temp.dir, 'local');
    const r = await initOnTerminal(dir, ['3', server.baseURL, 'big codr', 'y'], true);
    expect(r.left).toEqual([]);
    expect(r.shown).toContain('Use acme/big-coder-2 instead of big codr? [Y/n] ');
    expect(r.printed).toContain('Model: acme/big-coder-2 (corrected from big codr)');
    const dotenv = read(dir, '.env');
    expect(dotenv).toMatch(new RegExp(`^LOCAL_LLM_BASE_URL=${server.baseURL}$`, 'm'));
    expect(dotenv).toMatch(/^MLE_BEAST_MODEL=acme\/big-coder-2$/m);
    expect(dotenv).toMatch(/^MLE_BEAST_PROVIDER=local$/m);
  });
});
