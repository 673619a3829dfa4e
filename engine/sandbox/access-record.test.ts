import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { AccessRecord, parseGetfacl, revokeRecordedAccess } from './access-record';
import { grantSandboxAccess } from './host-user';

// Real setfacl/getfacl on a real git repository: only root takes the ACL path (issue 8 section 6).
const isRoot = process.getuid?.() === 0;
const hasAcl = (() => {
  try {
    execFileSync('getfacl', ['--version'], { stdio: 'ignore' });
    execFileSync('setfacl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const SANDBOX = { uid: 4321, gid: 4321, needsGrant: true };
const run = (cmd: string, args: string[], cwd?: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8' }).trim();
/** Every extended ACL entry under `root` (physical walk, numeric ids), one `path entry` per line. */
const aclEntries = (root: string) =>
  parseGetfacl(run('getfacl', ['-R', '-P', '-n', '--skip-base', '--absolute-names', root])).flatMap((b) =>
    b.entries
      .filter((e) => /^(default:)?user:\d+:/.test(e))
      .map((e) => `${path.relative(root, b.file)} ${e}`),
  );
/** Mode bits of every path under `root` (links not followed). */
function modes(root: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    out[path.relative(root, p)] = st.mode;
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  walk(root);
  return out;
}

describe.skipIf(!isRoot || !hasAcl)('(root) the sandbox uid access is taken back', () => {
  const temp = useTempDir('mle-beast-acl-');

  function brownfieldRepo() {
    const repo = path.join(temp.dir, 'repo');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true, mode: 0o750 });
    fs.writeFileSync(path.join(repo, 'src', 'model.py'), 'x = 1\n', { mode: 0o640 });
    fs.writeFileSync(path.join(repo, 'train.py'), 'print(1)\n', { mode: 0o600 });
    fs.writeFileSync(path.join(repo, 'shared.txt'), 'mine\n', { mode: 0o640 });
    fs.writeFileSync(path.join(repo, 'name with space.txt'), 'odd\n', { mode: 0o600 });
    run('git', ['init', '-q', '-b', 'main'], repo);
    run('git', ['-c', 'user.name=u', '-c', 'user.email=u@x', 'add', '-A'], repo);
    run('git', ['-c', 'user.name=u', '-c', 'user.email=u@x', 'commit', '-qm', 'init'], repo);
    // The user's own ACLs, which must survive: one for a colleague, one that already opened a file to the uid.
    run('setfacl', ['-m', 'u:777:r', path.join(repo, 'shared.txt')]);
    run('setfacl', ['-m', 'u:4321:r', path.join(repo, 'train.py')]);
    const data = path.join(temp.dir, 'data');
    fs.mkdirSync(path.join(data, 'part'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(data, 'part', 'train.csv'), 'a,b\n', { mode: 0o600 });
    // Outside everything: the sandbox planted a link to it; taking back must not follow the link.
    const outside = path.join(temp.dir, 'outside.txt');
    fs.writeFileSync(outside, 'secret\n', { mode: 0o600 });
    run('setfacl', ['-m', 'u:4321:rw', outside]);
    return { repo, data, outside };
  }

  it.each(['by the sandbox (its own record)', 'from the record a dead process left'])(
    'grants, then takes back every entry it added %s, restoring the user own ACLs and modes',
    async (how) => {
      const { repo, data, outside } = brownfieldRepo();
      const before = { repo: aclEntries(repo), data: aclEntries(data), modes: modes(repo) };
      expect(before.repo).toEqual(['shared.txt user:777:r--', 'train.py user:4321:r--']);
      const file = path.join(temp.dir, 'run', 'sandbox-access.json');
      const record = AccessRecord.open(file, SANDBOX);

      const granted = await grantSandboxAccess(SANDBOX, { workspaceDir: repo, readOnly: [data] }, { record });
      expect(granted.ok).toBe(true);
      expect(record.roots).toEqual([repo, data]);
      expect(fs.existsSync(file)).toBe(true);
      expect(aclEntries(repo)).toEqual(
        expect.arrayContaining(['src user:4321:rwx', 'src default:user:4321:rwx', 'train.py user:4321:rw-']),
      );
      expect(aclEntries(data)).toContain('part/train.csv user:4321:r--');

      // During the run: the engine (root) writes files that inherit the default entries, git adds objects, and
      // the sandbox replaces a file by a link out of the workspace.
      fs.writeFileSync(path.join(repo, 'src', 'features.py'), 'y = 2\n');
      fs.mkdirSync(path.join(repo, 'src', 'logs'));
      fs.writeFileSync(path.join(repo, 'src', 'logs', 'training.log'), 'loss 1\n');
      run('git', ['-c', 'user.name=u', '-c', 'user.email=u@x', 'add', '-A'], repo);
      run('git', ['-c', 'user.name=u', '-c', 'user.email=u@x', 'commit', '-qm', 'step 1'], repo);
      fs.symlinkSync(outside, path.join(repo, 'src', 'planted'));
      expect(aclEntries(repo).some((e) => e.startsWith('src/features.py user:4321:'))).toBe(true);

      const problems =
        how === 'by the sandbox (its own record)' ? await record.revoke() : await revokeRecordedAccess(file);
      expect(problems).toEqual([]);

      // No entry for the sandbox uid is left but the one the user had; the colleague keeps theirs.
      expect(aclEntries(repo)).toEqual(before.repo);
      expect(aclEntries(data)).toEqual(before.data);
      expect(run('getfacl', ['-R', '-P', '-n', repo])).not.toMatch(/user:4321:rw|default:user:4321/);
      // The user's files have their exact mode bits back (the ACL mask no longer shows as group bits).
      const after = modes(repo);
      for (const [p, mode] of Object.entries(before.modes)) {
        if (!p.startsWith('.git')) expect([p, after[p]]).toEqual([p, mode]);
      }
      // The planted link was not followed: the file outside keeps the entry it had.
      expect(aclEntries(path.dirname(outside)).filter((e) => e.startsWith('outside.txt'))).toEqual([
        'outside.txt user:4321:rw-',
      ]);
      expect(fs.existsSync(file)).toBe(false);
      // Nothing left to do a second time.
      expect(await revokeRecordedAccess(file)).toEqual([]);
    },
  );

  it('a grant that could not be taken back stays recorded, and a later try takes it back', async () => {
    const { repo, data } = brownfieldRepo();
    const before = aclEntries(repo);
    const file = path.join(temp.dir, 'run', 'sandbox-access.json');
    const record = AccessRecord.open(file, SANDBOX);
    expect((await grantSandboxAccess(SANDBOX, { workspaceDir: repo, readOnly: [data] }, { record })).ok).toBe(
      true,
    );

    // setfacl fails (here: it is not there): nothing is forgotten.
    const problems = await record.revoke({ setfacl: path.join(temp.dir, 'no-such-setfacl') });
    expect(problems.length).toBeGreaterThan(0);
    expect(fs.existsSync(file)).toBe(true);
    expect(aclEntries(repo)).not.toEqual(before);

    // The next settle, cancel or delete reads the record and finishes the job.
    expect(await revokeRecordedAccess(file)).toEqual([]);
    expect(aclEntries(repo)).toEqual(before);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a resumed grant does not take the first grant for the user own state', async () => {
    const { repo, data } = brownfieldRepo();
    const before = aclEntries(repo);
    const file = path.join(temp.dir, 'run', 'sandbox-access.json');
    // The first process granted, then died; the second one opens the same record and grants again.
    expect(
      (
        await grantSandboxAccess(
          SANDBOX,
          { workspaceDir: repo },
          { record: AccessRecord.open(file, SANDBOX) },
        )
      ).ok,
    ).toBe(true);
    const second = AccessRecord.open(file, SANDBOX);
    expect(
      (await grantSandboxAccess(SANDBOX, { workspaceDir: repo, readOnly: [data] }, { record: second })).ok,
    ).toBe(true);
    expect(second.roots).toEqual([repo, data]);
    expect(await second.revoke()).toEqual([]);
    expect(aclEntries(repo)).toEqual(before);
  });

  it('parses getfacl names with escapes', () => {
    expect(
      parseGetfacl('# file: /a/b\\012c\\134d\n# owner: 0\nuser::rw-\nuser:5:r--\t#effective:r--\n'),
    ).toEqual([{ file: '/a/b\nc\\d', entries: ['user::rw-', 'user:5:r--'] }]);
  });
});
