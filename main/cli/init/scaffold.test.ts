import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../engine/config/dotenv';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { agentsSection } from './agents-md';
import { defaultAnswers, terminalPrompter } from './prompt';
import {
  AGENTS_END,
  AGENTS_START,
  dotenvValue,
  ensureGitignored,
  updateDotenv,
  writeAgentsMd,
  writeDotenv,
} from './scaffold';

const temp = useTempDir('mle-init-files-');
const fresh = (name: string) => {
  const dir = path.join(temp.dir, name);
  fs.mkdirSync(dir);
  return dir;
};

describe('.env: managed lines rewritten, every other line kept', () => {
  it('rewrites a managed variable in place, drops its later duplicates, appends new ones, keeps the rest', () => {
    const before = [
      '# my settings',
      'export FOO=bar # a comment',
      'MLE_BEAST_MODEL=old/model',
      '',
      "WEIRD='x y'",
      'MLE_BEAST_MODEL=older/model',
    ].join('\n');
    const after = updateDotenv(before, { MLE_BEAST_MODEL: 'acme/new', MLE_BEAST_PROVIDER: 'openrouter' });
    expect(after).toBe(
      [
        '# my settings',
        'export FOO=bar # a comment',
        'MLE_BEAST_MODEL=acme/new',
        '',
        "WEIRD='x y'",
        'MLE_BEAST_PROVIDER=openrouter',
        '',
      ].join('\n'),
    );
    // What the engine's own reader makes of it.
    expect(parseDotenv(after).values).toEqual({
      FOO: 'bar',
      MLE_BEAST_MODEL: 'acme/new',
      WEIRD: 'x y',
      MLE_BEAST_PROVIDER: 'openrouter',
    });
  });

  it('quotes a value so it reads back as is, and refuses one no quoting keeps literal', () => {
    for (const value of [
      'sk-or-v1-abc_123',
      'http://127.0.0.1:8000/v1',
      'a b ${HOME} # not a comment',
      'x"y\\z',
    ]) {
      expect(parseDotenv(`V=${dotenvValue(value)}`, { HOME: '/root' }).values.V).toBe(value);
    }
    expect(() => dotenvValue("it's")).toThrow(/single quote/);
    expect(() => dotenvValue('a\nb')).toThrow(/line break/);
  });

  it('creates the file 0600; an existing one keeps its mode unless a secret goes in', () => {
    const dir = fresh('env');
    expect(writeDotenv(dir, { MLE_BEAST_PROVIDER: 'openai' }, false)).toBe('created');
    const file = path.join(dir, '.env');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(
      /^# mle-beast settings[^\n]*\n#[^\n]*\nMLE_BEAST_PROVIDER=openai\n$/,
    );
    expect(writeDotenv(dir, { MLE_BEAST_PROVIDER: 'openai' }, false)).toBe('unchanged');
    fs.chmodSync(file, 0o644);
    expect(writeDotenv(dir, { MLE_BEAST_MODEL: 'm' }, false)).toBe('updated');
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    expect(writeDotenv(dir, { OPENAI_API_KEY: 'sk-typed' }, true)).toBe('updated');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['.env']);
  });
});

describe('.gitignore and AGENTS.md', () => {
  it('.gitignore: created with .env, appended once (after a last line without a newline), never duplicated', () => {
    const dir = fresh('gi');
    expect(ensureGitignored(dir)).toBe('created');
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('.env\n');
    expect(ensureGitignored(dir)).toBe('unchanged');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules');
    expect(ensureGitignored(dir)).toBe('updated');
    expect(ensureGitignored(dir)).toBe('unchanged');
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n.env\n');
  });

  it("AGENTS.md: created; the user's text is never replaced: the section is appended, then refreshed in place", () => {
    const dir = fresh('agents');
    const file = path.join(dir, 'AGENTS.md');
    expect(writeAgentsMd(dir, 'v1')).toBe('created');
    expect(fs.readFileSync(file, 'utf8')).toBe(`${AGENTS_START}\nv1\n${AGENTS_END}\n`);
    expect(writeAgentsMd(dir, 'v1')).toBe('unchanged');

    fs.writeFileSync(file, '# House rules\nUse tabs.');
    expect(writeAgentsMd(dir, 'v1')).toBe('appended');
    expect(writeAgentsMd(dir, 'v2')).toBe('updated');
    fs.appendFileSync(file, '\nMore rules.\n');
    expect(writeAgentsMd(dir, 'v3')).toBe('updated');
    expect(fs.readFileSync(file, 'utf8')).toBe(
      `# House rules\nUse tabs.\n\n${AGENTS_START}\nv3\n${AGENTS_END}\n\nMore rules.\n`,
    );
  });

  it('the section names the commands and exit codes, and report only where the build has it', () => {
    const text = agentsSection({ report: false });
    for (const word of [
      'mle-beast doctor',
      'mle-beast run',
      'mle-beast runs',
      'mle-beast show',
      'mle-beast cancel',
      'mle-beast resume',
      '130 cancelled',
    ])
      expect(text).toContain(word);
    expect(text).not.toContain('mle-beast report');
    expect(agentsSection({ report: true })).toContain('mle-beast report <id>');
  });
});

describe('questions', () => {
  it('without a terminal every question takes its default and nothing is read', async () => {
    const p = defaultAnswers();
    expect(await p.ask('Model', 'm')).toBe('m');
    expect(await p.confirm('Ok?', false)).toBe(false);
    expect(await p.choose('Which?', ['a', 'b'] as const, 'b')).toBe('b');
    expect(await p.secret('Key: ')).toBe('');
  });

  it('on a (fake) terminal: answers typed ahead are kept, bad ones asked again, a secret is not echoed', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c: Buffer) => (shown += c.toString()));
    const p = terminalPrompter(input, output);
    // Typed ahead of the questions (a paste): kept for them.
    input.write('2\n\nmaybe\nn\n');
    expect(await p.choose('Which provider?', ['openrouter', 'openai', 'local'] as const, 'openrouter')).toBe(
      'openai',
    );
    expect(await p.ask('Model', 'gpt-5-mini')).toBe('gpt-5-mini');
    expect(await p.confirm('Use it?', true)).toBe(false);
    // The key is typed once its question is shown, as a person does.
    const key = p.secret('Key: ');
    await new Promise((resolve) => setImmediate(resolve));
    expect(shown.endsWith('Key: ')).toBe(true);
    input.write('sk-secret-123\nfoo\n');
    expect(await key).toBe('sk-secret-123');
    expect(await p.ask('Name', 'x')).toBe('foo');
    input.end();
    // The input ended: what is left takes its default.
    expect(await p.confirm('More?', true)).toBe(true);
    p.close();
    expect(shown).toContain('  2) openai');
    expect(shown).toContain('Model [gpt-5-mini]: ');
    expect(shown).toContain('Answer y or n.');
    expect(shown).toContain('Key: ');
    expect(shown).not.toContain('sk-secret');
  });
});
