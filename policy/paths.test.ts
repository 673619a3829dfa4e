import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../engine/testing/temp-dir';
import { classifyRead, classifyWrite, makeWriteScope, resolveReal } from './paths';

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
    const scope = makeWriteScope({
      workspaceDir: ws,
      homeDir: home,
      allowEntries: ['~/.mle-beast', '/var/tmp'],
      protectedPaths: [path.join(home, '.mle-beast', 'policy.json')],
      tempDir: null,
      privateDirs: [],
      readableDirs: [],
    });
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

describe('the app data folder, the temp folder and links at the end of a removed path', () => {
  it('keeps the app folder unreadable and unwritable, even where the allow-list names it, but not the workspace or visible data in it', () => {
    const real = fs.realpathSync(temp.dir);
    const app = path.join(real, 'home', '.mle-beast');
    const ws = path.join(app, 'workspaces', 'run-1');
    const visible = path.join(app, 'runs', 'r1', 'data', 'visible');
    const tmp = path.join(real, 'private-tmp');
    for (const d of [ws, visible, tmp]) fs.mkdirSync(d, { recursive: true });
    const scope = makeWriteScope({
      workspaceDir: ws,
      homeDir: path.join(real, 'home'),
      allowEntries: ['~/.mle-beast', '~/.cache'],
      protectedPaths: [],
      tempDir: tmp,
      privateDirs: [app],
      readableDirs: [visible],
    });
    const where = (target: string, removes = false) => {
      const c = classifyWrite(scope, ws, target, removes);
      return c.ok ? c.where : c.why;
    };
    expect(where('model.pt')).toBe('workspace');
    expect(where(`${app}/mle_beast.db`, true)).toBe('private');
    expect(where(`${app}/runs/r1/data/labels/final.csv`)).toBe('private');
    expect(where('../run-2/train.py')).toBe('private');
    expect(where(`${app}/runs`, true)).toBe('private');
    expect(where(path.dirname(app), true)).toBe('workspace-root');
    expect(where(`${tmp}/scratch`)).toBe('allowed');
    expect(where(tmp, true)).toBe('allowed-root');
    expect(where(`${tmp}/`, true)).toBe('allowed-root');
    expect(classifyRead(scope, ws, `${visible}/train.csv`).ok).toBe(true);
    expect(classifyRead(scope, ws, 'train.py').ok).toBe(true);
    expect(classifyRead(scope, ws, `${app}/runs/r1/data/labels/final.csv`).ok).toBe(false);
    expect(classifyRead(scope, ws, `${app}/runs/r1/data/holdout/final/features.csv`).ok).toBe(false);
    expect(classifyRead(scope, ws, '/etc/hostname').ok).toBe(true);
  });

  it('does not follow a final symlink for a removal unless the path ends with a slash', () => {
    const real = fs.realpathSync(temp.dir);
    const ws = path.join(real, 'ws2');
    const outside = path.join(real, 'outside');
    fs.mkdirSync(ws);
    fs.mkdirSync(outside);
    fs.symlinkSync(outside, path.join(ws, 'link'));
    const scope = makeWriteScope({
      workspaceDir: ws,
      homeDir: path.join(real, 'home'),
      allowEntries: [],
      protectedPaths: [],
      tempDir: null,
      privateDirs: [],
      readableDirs: [],
    });
    expect(classifyWrite(scope, ws, 'link', true)).toMatchObject({ ok: true, where: 'workspace' });
    expect(classifyWrite(scope, ws, 'link/', true)).toMatchObject({ ok: false, why: 'outside' });
    expect(classifyWrite(scope, ws, 'link', false)).toMatchObject({ ok: false, why: 'outside' });
  });
});
