import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { formatDotenvIssue, parseDotenv, readDotenvFile } from './dotenv';

const tmp = useTempDir('mle-beast-dotenv-');

describe('parseDotenv', () => {
  it('plain, exported, spaced, commented and empty values', () => {
    const { values, issues } = parseDotenv(
      [
        '# provider',
        '',
        'OPENROUTER_API_KEY=sk-or-v1-abc',
        'export MLE_BEAST_PROVIDER=openrouter',
        '  MLE_BEAST_MODEL = deepseek/deepseek-v4-flash   # the cheap one',
        'URL=http://host:8000/v1#frag',
        'EMPTY=',
        'SPACED=  a b  ',
      ].join('\n'),
    );
    expect(values).toEqual({
      OPENROUTER_API_KEY: 'sk-or-v1-abc',
      MLE_BEAST_PROVIDER: 'openrouter',
      MLE_BEAST_MODEL: 'deepseek/deepseek-v4-flash',
      URL: 'http://host:8000/v1#frag',
      EMPTY: '',
      SPACED: 'a b',
    });
    expect(issues).toEqual([]);
  });

  it('quotes: single are literal, double take escapes, both keep # and spaces, both may span lines', () => {
    const { values, issues } = parseDotenv(
      [
        `A='it is # not a comment  '`,
        `B="tab\\there \\"quoted\\" back\\\\slash"  # comment`,
        `C='$\{HOME} stays'`,
        'D="line one',
        'line two"',
        `E=''`,
        `F="\\\${NOT} expanded"`,
      ].join('\n'),
    );
    expect(values).toEqual({
      A: 'it is # not a comment  ',
      B: 'tab\there "quoted" back\\slash',
      C: '${HOME} stays',
      D: 'line one\nline two',
      E: '',
      F: '${NOT} expanded',
    });
    expect(issues).toEqual([]);
  });

  it('${NAME} and ${NAME:-default}: the shell first, then earlier lines', () => {
    const { values } = parseDotenv(
      [
        'BASE=http://localhost:8000',
        'URL=${BASE}/v1',
        'KEY="${SHELL_KEY}"',
        'X=${MISSING:-fallback}',
        'Y=${MISSING}',
      ].join('\n'),
      { SHELL_KEY: 'from-shell', BASE: '' },
    );
    expect(values).toEqual({
      BASE: 'http://localhost:8000',
      URL: 'http://localhost:8000/v1',
      KEY: 'from-shell',
      X: 'fallback',
      Y: '',
    });
  });

  it('the last definition wins; CRLF and a byte order mark are fine', () => {
    expect(parseDotenv('\uFEFFA=1\r\nA=2\r\n').values).toEqual({ A: '2' });
  });

  it('bad lines are reported by number and skipped, never quoted (they may hold a secret)', () => {
    const secret = 'sk-or-v1-0123456789abcdef';
    const { values, issues } = parseDotenv(
      [`just-a-key-${secret}`, `1BAD=${secret}`, 'OK=1', `Q="${secret}`, 'R=after'].join('\n'),
    );
    expect(values).toEqual({ OK: '1', R: 'after' });
    expect(issues).toEqual([
      { line: 1, message: 'expected NAME=value; line skipped' },
      { line: 2, message: 'the name before "=" is not a variable name; line skipped' },
      { line: 4, message: 'Q: the double quote is never closed; line skipped' },
    ]);
    expect(JSON.stringify(issues)).not.toContain(secret);
    expect(formatDotenvIssue('.env', issues[0]!)).toBe('.env:1: expected NAME=value; line skipped');
  });

  it('text after a closing quote is reported', () => {
    expect(parseDotenv(`A='x' y`).issues).toEqual([
      { line: 1, message: 'text after the closing quote of A; it is ignored' },
    ]);
  });
});

describe('readDotenvFile', () => {
  it('reads <dir>/.env; a missing file is not an error', () => {
    expect(readDotenvFile(tmp.dir, {})).toEqual({
      path: path.join(tmp.dir, '.env'),
      found: false,
      values: {},
      issues: [],
    });
    fs.writeFileSync(path.join(tmp.dir, '.env'), 'OPENAI_API_KEY=sk-x\n');
    expect(readDotenvFile(tmp.dir, {})).toMatchObject({ found: true, values: { OPENAI_API_KEY: 'sk-x' } });
  });
});
