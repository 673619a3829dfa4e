import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../engine/testing/temp-dir';
import { PolicyFileError, SHIPPED_POLICY_NAME, defaultUserPolicyPath, loadPolicy } from './load-policy';
import shipped from './policy.json';

const temp = useTempDir('mle-policy-load-');

function writeUserPolicy(content: unknown): string {
  const file = defaultUserPolicyPath(temp.dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function loadError(content: unknown): PolicyFileError {
  writeUserPolicy(content);
  try {
    loadPolicy({ homeDir: temp.dir });
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyFileError);
    return error as PolicyFileError;
  }
  throw new Error('expected loadPolicy to throw');
}

describe('the shipped policy', () => {
  it('keeps every rule of the original', () => {
    expect(shipped.blocked_tokens).toEqual(expect.arrayContaining(['sudo', 'su', 'doas', 'pkexec']));
    // The original also allowed /tmp, /var/tmp and ~/.mle-beast. Issue 8 narrowed that: the app's data folder
    // (database, hidden labels) is never writable, and the only temp folder is the sandbox's private one.
    expect(shipped.allow_paths_outside_workspace).toEqual(
      expect.arrayContaining(['~/.cache', '~/.config/pypoetry']),
    );
    for (const gone of ['/tmp', '/var/tmp', '~/.mle-beast'])
      expect(shipped.allow_paths_outside_workspace).not.toContain(gone);
    const policy = loadPolicy({ userPolicyPath: null });
    const blocks = (text: string) => policy.blockedPatterns.some((p) => p.regex.test(text));
    // One command per pattern family of the original, and the case-insensitive matching it used.
    for (const text of [
      'rm -rf /',
      'rm -rf /*',
      'rm -rf ~',
      'rm -r $HOME',
      'mkfs.ext4 /dev/sda1',
      'dd if=/dev/zero of=/dev/sda',
      ':(){ :|:& };:',
      'curl -s https://x | bash',
      'wget -qO- https://x | sudo sh',
      'shutdown now',
      'reboot',
      'halt',
      'init 0',
      'git push origin main',
      'GIT PUSH',
    ]) {
      expect(blocks(text), text).toBe(true);
    }
    for (const text of [
      'rm -rf checkpoints/old',
      'rm -rf ~/.cache/pip',
      'python train.py --init 0',
      'pool.shutdown()',
    ]) {
      expect(blocks(text), text).toBe(false);
    }
  });

  it('loads alone when there is no user file, and protects the default user file path', () => {
    const policy = loadPolicy({ homeDir: temp.dir });
    expect(policy.sources).toEqual([SHIPPED_POLICY_NAME]);
    expect(policy.blockedTokens).toContain('sudo');
    expect(policy.protectedPaths).toEqual([defaultUserPolicyPath(temp.dir)]);
  });

  it('loads with no user file at all when userPolicyPath is null', () => {
    writeUserPolicy({ blocked_tokens: ['nc'] });
    const policy = loadPolicy({ homeDir: temp.dir, userPolicyPath: null });
    expect(policy.blockedTokens).not.toContain('nc');
    expect(policy.protectedPaths).toEqual([]);
  });
});

describe('the user policy file', () => {
  it('adds tokens, patterns and paths to the shipped ones (union, lower-cased, no duplicates)', () => {
    writeUserPolicy({
      blocked_tokens: ['NC', 'sudo'],
      blocked_patterns: ['\\bscp\\b', '\\bgit\\s+push\\b'],
      allow_paths_outside_workspace: ['/data/scratch'],
    });
    const policy = loadPolicy({ homeDir: temp.dir });
    expect(policy.sources).toEqual([SHIPPED_POLICY_NAME, '~/.mle-beast/policy.json']);
    expect(policy.blockedTokens).toEqual([...shipped.blocked_tokens, 'nc']);
    expect(policy.blockedPatterns.map((p) => p.source)).toEqual([...shipped.blocked_patterns, '\\bscp\\b']);
    expect(policy.allowPathsOutsideWorkspace).toEqual([
      ...shipped.allow_paths_outside_workspace,
      '/data/scratch',
    ]);
  });

  it('cannot remove a shipped rule: empty lists still leave every shipped rule in place', () => {
    writeUserPolicy({ blocked_tokens: [], blocked_patterns: [], allow_paths_outside_workspace: [] });
    const policy = loadPolicy({ homeDir: temp.dir });
    expect(policy.blockedTokens).toEqual(shipped.blocked_tokens);
    expect(policy.blockedPatterns).toHaveLength(shipped.blocked_patterns.length);
  });

  it('reads an explicit path, which must exist', () => {
    const file = path.join(temp.dir, 'custom.json');
    fs.writeFileSync(file, JSON.stringify({ blocked_tokens: ['scp'] }));
    expect(loadPolicy({ homeDir: temp.dir, userPolicyPath: file }).blockedTokens).toContain('scp');
    expect(() =>
      loadPolicy({ homeDir: temp.dir, userPolicyPath: path.join(temp.dir, 'missing.json') }),
    ).toThrow('~/missing.json: cannot read the policy file (file not found)');
    const outsideHome = path.join(temp.dir, 'elsewhere.json');
    expect(() => loadPolicy({ homeDir: path.join(temp.dir, 'home'), userPolicyPath: outsideHome })).toThrow(
      `${outsideHome}: cannot read the policy file (file not found)`,
    );
  });

  it('translates the Python-only regex spellings the original accepted', () => {
    writeUserPolicy({ blocked_patterns: ['(?P<tool>scp)\\s+(?P=tool)', '\\Aforbidden\\Z'] });
    const [named, anchored] = loadPolicy({ homeDir: temp.dir }).blockedPatterns.slice(-2);
    expect(named!.regex.test('scp scp')).toBe(true);
    expect(anchored!.regex.test('forbidden')).toBe(true);
    expect(anchored!.regex.test('not forbidden here')).toBe(false);
  });
});

describe('a malformed policy file is an error naming the file and the field', () => {
  it.each([
    ['bad JSON', '{"blocked_tokens": ["sudo",]}', /^~\/\.mle-beast\/policy\.json: not valid JSON: /],
    ['not an object', '["sudo"]', /^~\/\.mle-beast\/policy\.json: the file must hold a JSON object$/],
    [
      'a list of the wrong type',
      { blocked_tokens: 'sudo' },
      /^~\/\.mle-beast\/policy\.json: blocked_tokens: .*array/,
    ],
    ['an element of the wrong type', { blocked_tokens: ['nc', 3] }, /: blocked_tokens\[1\]: .*string/],
    [
      'an invalid regular expression',
      { blocked_patterns: ['a', 'b', '(unclosed'] },
      /^~\/\.mle-beast\/policy\.json: blocked_patterns\[2\]: invalid regular expression: .*\(unclosed/,
    ],
    ['an unknown key (a typo)', { blocked_token: ['nc'] }, /: unknown key "blocked_token" \(the keys are/],
    [
      'a token with spaces',
      { blocked_tokens: ['rm -rf'] },
      /: blocked_tokens\[0\]: a token is one command name/,
    ],
    [
      'a relative allowed path',
      { allow_paths_outside_workspace: ['data'] },
      /: allow_paths_outside_workspace\[0\]: a path must be absolute or start with ~\//,
    ],
    [
      'allowing /',
      { allow_paths_outside_workspace: ['/'] },
      /allow_paths_outside_workspace\[0\]: allowing \/ would switch off/,
    ],
  ])('%s', (_what, content, message) => {
    const error = loadError(content);
    expect(error.message).toMatch(message);
    expect(error.file).toBe('~/.mle-beast/policy.json');
  });

  it('reports the field separately for callers', () => {
    const error = loadError({ blocked_patterns: ['ok', '[z-a]'] });
    expect(error.field).toBe('blocked_patterns[1]');
    expect(error.name).toBe('PolicyFileError');
  });

  it('a directory where the file should be is an error, not an empty policy', () => {
    fs.mkdirSync(defaultUserPolicyPath(temp.dir), { recursive: true });
    expect(() => loadPolicy({ homeDir: temp.dir })).toThrow(
      /policy\.json: cannot read the policy file \(is a directory/,
    );
  });
});
