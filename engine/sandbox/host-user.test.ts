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
});
