import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { ROOT_FALLBACK_USER, grantSandboxAccess, resolveSandboxUser } from './host-user';

const isRoot = process.getuid?.() === 0;

describe('the sandbox user', () => {
  const temp = useTempDir();

  it('is the host user when that user is not root', () => {
    expect(resolveSandboxUser(temp.dir, { uid: 1001, gid: 1002 })).toEqual({
      uid: 1001,
      gid: 1002,
      needsGrant: false,
    });
  });

  it('for a root host, is the fixed fallback for a root-owned workspace, and needs a grant', () => {
    const user = resolveSandboxUser(temp.dir, { uid: 0, gid: 0 }, ROOT_FALLBACK_USER);
    const owner = fs.statSync(temp.dir).uid;
    if (owner === 0) expect(user).toEqual({ uid: 1000, gid: 1000, needsGrant: true });
    else expect(user.uid).toBe(owner);
  });

  it('needs no grant when the host user is not root', async () => {
    expect(
      await grantSandboxAccess({ uid: 5, gid: 5, needsGrant: false }, { workspaceDir: '/nonexistent' }),
    ).toEqual({
      ok: true,
      value: [],
    });
  });

  it.skipIf(!isRoot)('(root) for a workspace owned by another user, runs as that user', () => {
    fs.chownSync(temp.dir, 4321, 4322);
    expect(resolveSandboxUser(temp.dir, { uid: 0, gid: 0 })).toEqual({
      uid: 4321,
      gid: 4322,
      needsGrant: true,
    });
  });

  it.skipIf(!isRoot)(
    '(root) without setfacl hands over an empty workspace but refuses to chown a full one',
    async () => {
      const empty = path.join(temp.dir, 'empty');
      fs.mkdirSync(empty, { mode: 0o700 });
      const user = { uid: 4321, gid: 4321, needsGrant: true };
      const handed = await grantSandboxAccess(user, { workspaceDir: empty }, { setfacl: null });
      expect(handed.ok).toBe(true);
      expect(fs.statSync(empty).uid).toBe(4321);

      const full = path.join(temp.dir, 'full');
      fs.mkdirSync(full, { mode: 0o700 });
      fs.writeFileSync(path.join(full, 'model.py'), '');
      const refused = await grantSandboxAccess(user, { workspaceDir: full }, { setfacl: null });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.message).toMatch(/apt-get install acl.*chown -R 4321:4321/s);
      expect(fs.statSync(path.join(full, 'model.py')).uid).toBe(0);
    },
  );

  it.skipIf(!isRoot)('(root) without setfacl refuses unreadable data rather than chmod it', async () => {
    const data = path.join(temp.dir, 'data');
    fs.mkdirSync(data, { mode: 0o700 });
    fs.chownSync(temp.dir, 4321, 4321); // the workspace is the user's: only the data is in question
    const r = await grantSandboxAccess(
      { uid: 4321, gid: 4321, needsGrant: true },
      { workspaceDir: temp.dir, readOnly: [data] },
      { setfacl: null },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/cannot read .*data.*chmod -R o\+rX/);
    expect(fs.statSync(data).mode & 0o777).toBe(0o700);
  });

  it.skipIf(!isRoot)(
    '(root) opens read-only data by touching only what the sandbox uid cannot read, never a hard-linked original',
    async () => {
      const user = { uid: 4321, gid: 4321, needsGrant: true };
      const original = path.join(temp.dir, 'original.png');
      const data = path.join(temp.dir, 'data');
      fs.mkdirSync(path.join(data, 'cats'), { recursive: true, mode: 0o755 });
      fs.writeFileSync(original, 'png', { mode: 0o644 });
      fs.linkSync(original, path.join(data, 'cats', 'linked.png'));
      fs.writeFileSync(path.join(data, 'cats', 'private.csv'), 'x', { mode: 0o600 });
      const before = fs.statSync(original);

      const granted = await grantSandboxAccess(user, { readOnly: [data] });
      expect(granted).toEqual({ ok: true, value: [expect.stringMatching(/read access to 1 entries of/)] });
      // The readable, hard-linked original is untouched: same mode, no ACL entry for the sandbox uid.
      expect(fs.statSync(original).mode).toBe(before.mode);
      const { execa } = await import('execa');
      expect((await execa('getfacl', ['-p', original])).stdout).not.toMatch(/user:4321/);
      expect((await execa('getfacl', ['-p', path.join(data, 'cats', 'private.csv')])).stdout).toMatch(
        /user:4321:r--/,
      );

      // An unreadable file that is hard-linked elsewhere is refused, not modified.
      fs.chmodSync(original, 0o600);
      const refused = await grantSandboxAccess(user, { readOnly: [data] });
      expect(refused.ok).toBe(false);
      if (!refused.ok)
        expect(refused.error.message).toMatch(/hard-linked to another .* will not change its permissions/);
      expect((await execa('getfacl', ['-p', original])).stdout).not.toMatch(/user:4321/);
    },
  );

  it.skipIf(!isRoot)(
    '(root) opens the workspace read-write but its .git read-only, and leaves hard-linked files alone',
    async () => {
      const user = { uid: 4321, gid: 4321, needsGrant: true };
      const ws = path.join(temp.dir, 'ws');
      fs.mkdirSync(path.join(ws, '.git', 'hooks'), { recursive: true, mode: 0o700 });
      fs.mkdirSync(path.join(ws, 'src'), { mode: 0o700 });
      fs.writeFileSync(path.join(ws, 'src', 'model.py'), 'x', { mode: 0o600 });
      fs.writeFileSync(path.join(ws, '.git', 'config'), '[core]', { mode: 0o600 });
      const original = path.join(temp.dir, 'original.bin');
      fs.writeFileSync(original, 'keep', { mode: 0o600 });
      fs.linkSync(original, path.join(ws, 'linked.bin'));

      const granted = await grantSandboxAccess(user, { workspaceDir: ws });
      expect(granted.ok).toBe(true);
      if (granted.ok) expect(granted.value.join(' ')).toMatch(/left 1 hard-linked file/);
      const { execa } = await import('execa');
      const acl = async (p: string) => (await execa('getfacl', ['-p', p])).stdout;
      expect(await acl(path.join(ws, 'src', 'model.py'))).toMatch(/user:4321:rw-/);
      expect(await acl(path.join(ws, 'src'))).toMatch(/default:user:4321:rwx/);
      expect(await acl(path.join(ws, '.git', 'hooks'))).toMatch(/user:4321:r-x/);
      expect(await acl(path.join(ws, '.git', 'config'))).toMatch(/user:4321:r--/);
      expect(await acl(path.join(ws, '.git'))).not.toMatch(/user:4321:rw/);
      expect(await acl(original)).not.toMatch(/user:4321/);
    },
  );
});
