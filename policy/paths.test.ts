import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../engine/testing/temp-dir';
import { classifyWrite, makeWriteScope, resolveReal } from './paths';

const temp = useTempDir('mle-policy-paths-');

describe('resolveReal', () => {
  it('follows symlinks at every component and resolves .. after them, as the kernel does', () => {
    const real = fs.realpathSync(temp.dir);
    fs.mkdirSync(path.join(real, 'a', 'b'), { recursive: true });
    fs.symlinkSync(path.join(real, 'a', 'b'), path.join(real, 'link'));
    expect(resolveReal(real, 'link/x')).toBe(path.join(real, 'a', 'b', 'x'));
    expect(resolveReal(real, 'link/../y')).toBe(path.join(real, 'a', 'y'));
    expect(resolveReal(real, 'missing/../link/z')).toBe(path.join(real, 'a', 'b', 'z'));
    expect(resolveReal(real, '/a/../../etc')).toBe('/etc');
  });
});

describe('classifyWrite', () => {
  it('tells inside, allowed, sinks, outside, the workspace itself and the protected policy file apart', () => {
    const real = fs.realpathSync(temp.dir);
    const ws = path.join(real, 'ws');
    const home = path.join(real, 'home');
    fs.mkdirSync(ws);
    const scope = makeWriteScope(
      ws,
      home,
      ['~/.mle-beast', '/var/tmp'],
      [path.join(home, '.mle-beast', 'policy.json')],
    );
    const where = (target: string, removes = false) => {
      const c = classifyWrite(scope, ws, target, removes);
      return c.ok ? c.where : c.why;
    };
    expect(where('models/a.pt')).toBe('workspace');
    expect(where('/var/tmp/x')).toBe('allowed');
    expect(where('/dev/null')).toBe('sink');
    expect(where('/etc/hosts')).toBe('outside');
    expect(where('../elsewhere')).toBe('outside');
    expect(where('.', true)).toBe('workspace-root');
    expect(where('.', false)).toBe('workspace');
    expect(where(`${home}/.mle-beast/runs/x`)).toBe('allowed');
    expect(where(`${home}/.mle-beast/policy.json`)).toBe('protected');
    expect(where(`${home}/.mle-beast`, true)).toBe('protected');
  });
});
