import { describe, expect, it } from 'vitest';
import { bwrapArgs, isolatedEnv, isolatedPath, type BwrapPlan, type HostEntry } from './bwrap';

// The argv builder against a described host (no bwrap runs here; local-sandbox.isolation.test.ts runs it).

const mergedUsr: Record<string, HostEntry> = {
  '/usr': { kind: 'dir' },
  '/bin': { kind: 'link', target: 'usr/bin' },
  '/sbin': { kind: 'link', target: 'usr/sbin' },
  '/lib': { kind: 'link', target: 'usr/lib' },
  '/lib64': { kind: 'link', target: 'usr/lib64' },
  '/etc': { kind: 'dir' },
  '/etc/shadow': { kind: 'file' },
  '/etc/ssh': { kind: 'dir' },
  '/opt': { kind: 'dir' },
  '/opt/engine-home': { kind: 'dir' },
  '/home/u/.pyenv/versions/3.11.7/.mle-beast': { kind: 'absent' },
};
const lookup = (p: string): HostEntry => mergedUsr[p] ?? { kind: 'absent' };

const plan: BwrapPlan = {
  workspaceDir: '/home/u/ws',
  git: 'real',
  dataDir: '/home/u/.mle-beast/runs/r1/data/visible',
  homeDir: '/tmp/sbx/home',
  tmpDir: '/tmp/sbx/tmp',
  readOnly: ['/home/u/.pyenv/versions/3.11.7', '/home/u/.pyenv/versions/3.11.7/bin', '/usr/bin'],
  mounts: [],
  hidden: ['/home/u/.mle-beast', '/opt/engine-home'],
  devices: [],
  network: 'none',
  cwd: '',
};

/** The pairs after each occurrence of `flag`. */
function pairs(args: string[], flag: string): string[][] {
  const out: string[][] = [];
  args.forEach((a, i) => {
    if (a === flag) out.push(args.slice(i + 1, i + 3));
  });
  return out;
}

describe('bwrapArgs', () => {
  it('with the network on, binds the file /etc/resolv.conf links to outside /etc (systemd-resolved)', () => {
    const withLink =
      (target: string) =>
      (p: string): HostEntry =>
        p === '/etc/resolv.conf' ? { kind: 'link', target } : lookup(p);
    const stub = '/run/systemd/resolve/stub-resolv.conf';
    const resolved = withLink('../run/systemd/resolve/stub-resolv.conf');
    expect(pairs(bwrapArgs({ ...plan, network: 'bridge' }, resolved), '--ro-bind-try')).toContainEqual([
      stub,
      stub,
    ]);
    // No network, no name service; a link that stays in /etc is already visible.
    expect(bwrapArgs(plan, resolved)).not.toContain('--ro-bind-try');
    expect(bwrapArgs({ ...plan, network: 'bridge' }, withLink('resolvconf/resolv.conf'))).not.toContain(
      '--ro-bind-try',
    );
  });

  it('a fresh root: every namespace new, caps dropped, dies with its monitor, never the host root', () => {
    const args = bwrapArgs(plan, lookup);
    expect(args.slice(0, 6)).toEqual([
      '--unshare-all',
      '--die-with-parent',
      '--new-session',
      '--cap-drop',
      'ALL',
      '--hostname',
    ]);
    expect(args).not.toContain('--share-net');
    expect(pairs(args, '--ro-bind').map(([src]) => src)).not.toContain('/');
    expect(pairs(args, '--bind').map(([src]) => src)).not.toContain('/');
    expect(args).not.toContain('--dev-bind');
  });

  it('binds the system read-only as this machine lays it out (links stay links), absent folders not at all', () => {
    const args = bwrapArgs(plan, lookup);
    const ro = pairs(args, '--ro-bind');
    expect(ro).toContainEqual(['/usr', '/usr']);
    expect(ro).toContainEqual(['/etc', '/etc']);
    expect(ro).toContainEqual(['/opt', '/opt']);
    expect(pairs(args, '--symlink')).toEqual([
      ['usr/bin', '/bin'],
      ['usr/sbin', '/sbin'],
      ['usr/lib', '/lib'],
      ['usr/lib64', '/lib64'],
    ]);
    expect(args).not.toContain('/lib32');
  });

  it("binds the Python's prefix once, read-only, and nothing of the home around it", () => {
    const ro = pairs(bwrapArgs(plan, lookup), '--ro-bind');
    expect(ro.filter(([src]) => src?.startsWith('/home/u/.pyenv'))).toEqual([
      ['/home/u/.pyenv/versions/3.11.7', '/home/u/.pyenv/versions/3.11.7'],
    ]);
    // /usr/bin is inside /usr, already bound.
    expect(ro.filter(([src]) => src === '/usr/bin')).toEqual([]);
    expect(ro.some(([src]) => src === '/home/u' || src === '/home/u/.mle-beast')).toBe(false);
  });

  it('covers secrets inside bound folders: shadow files, /etc/ssh, a hidden folder under /opt', () => {
    const args = bwrapArgs(plan, lookup);
    expect(pairs(args, '--ro-bind')).toContainEqual(['/dev/null', '/etc/shadow']);
    const tmpfs = args.flatMap((a, i) => (a === '--tmpfs' ? [args[i + 1]] : []));
    expect(tmpfs).toEqual(['/etc/ssh', '/opt/engine-home']);
    // Covered after the folder holding it is bound, or the bind would uncover it again.
    expect(args.indexOf('/opt/engine-home')).toBeGreaterThan(args.indexOf('/opt'));
  });

  it('workspace at /workspace read-write with .git read-only, data at /data read-only, private /tmp and HOME', () => {
    const args = bwrapArgs(plan, lookup);
    const rw = pairs(args, '--bind');
    expect(rw).toEqual([
      ['/tmp/sbx/tmp', '/tmp'],
      ['/tmp/sbx/home', '/home/sandbox'],
      ['/home/u/ws', '/workspace'],
    ]);
    const ro = pairs(args, '--ro-bind');
    expect(ro).toContainEqual(['/home/u/ws/.git', '/workspace/.git']);
    expect(ro).toContainEqual(['/home/u/.mle-beast/runs/r1/data/visible', '/data']);
    expect(args.indexOf('/workspace/.git')).toBeGreaterThan(args.indexOf('/workspace'));
    expect(args.slice(-2)).toEqual(['--chdir', '/workspace']);
    expect(args).toContain('--proc');
  });

  it('a .git that is a link is not bound; no data, no /data', () => {
    const args = bwrapArgs({ ...plan, git: 'link', dataDir: null }, lookup);
    expect(args).not.toContain('/workspace/.git');
    expect(args).not.toContain('/data');
  });

  it('network, transient mounts, devices and the working folder', () => {
    const args = bwrapArgs(
      {
        ...plan,
        network: 'bridge',
        mounts: [
          {
            hostPath: '/home/u/.mle-beast/runs/r1/data/holdout/selection',
            sandboxPath: '/holdout/selection',
          },
        ],
        devices: ['/dev/nvidia0'],
        cwd: 'src/pkg',
      },
      lookup,
    );
    expect(args).toContain('--share-net');
    expect(pairs(args, '--ro-bind')).toContainEqual([
      '/home/u/.mle-beast/runs/r1/data/holdout/selection',
      '/holdout/selection',
    ]);
    expect(pairs(args, '--dev-bind')).toEqual([['/dev/nvidia0', '/dev/nvidia0']]);
    expect(args.slice(-2)).toEqual(['--chdir', '/workspace/src/pkg']);
  });
});

describe('bwrapArgs with a workspace that holds secrets', () => {
  it('covers them where the sandbox sees them (a brownfield run on a home folder)', () => {
    const host: Record<string, HostEntry> = {
      ...mergedUsr,
      '/home/u/.ssh': { kind: 'dir' },
      '/home/u/.netrc': { kind: 'file' },
    };
    const args = bwrapArgs(
      { ...plan, workspaceDir: '/home/u', hidden: ['/home/u/.ssh', '/home/u/.netrc', '/home/u/.aws'] },
      (p) => host[p] ?? { kind: 'absent' },
    );
    const at = args.indexOf('/workspace');
    const tail = args.slice(at);
    expect(tail.join(' ')).toContain('--tmpfs /workspace/.ssh --remount-ro /workspace/.ssh');
    expect(tail.join(' ')).toContain('--ro-bind /dev/null /workspace/.netrc');
    expect(tail.join(' ')).not.toContain('.aws');
  });
});

describe("bwrapArgs covers the engine's report files in the workspace", () => {
  it("an earlier run's report: /dev/null, read-only, over the file; the rest of reports/ stays bound", () => {
    const report = '/home/u/ws/reports/report_20260101T000000Z.html';
    const host: Record<string, HostEntry> = { ...mergedUsr, [report]: { kind: 'file' } };
    const args = bwrapArgs(
      { ...plan, hidden: [...plan.hidden, report] },
      (p) => host[p] ?? { kind: 'absent' },
    );
    const text = args.join(' ');
    // After the workspace is bound, or the bind would cover the cover.
    expect(text).toContain('--bind /home/u/ws /workspace');
    expect(
      text.indexOf('--ro-bind /dev/null /workspace/reports/report_20260101T000000Z.html'),
    ).toBeGreaterThan(text.indexOf('--bind /home/u/ws /workspace'));
    expect(args.filter((a) => a.startsWith('/workspace/reports'))).toEqual([
      '/workspace/reports/report_20260101T000000Z.html',
    ]);
  });
});

describe('the environment in the OS sandbox', () => {
  it("keeps the locale and nothing else of the host's: no API keys, no tokens", () => {
    const env = isolatedEnv(
      {
        LANG: 'C.UTF-8',
        LC_ALL: 'C',
        OPENAI_API_KEY: 'sk',
        AWS_SECRET_ACCESS_KEY: 'x',
        PATH: '/host/bin',
        HOME: '/root',
      },
      { path: isolatedPath('/opt/py/bin'), home: '/home/sandbox', tmp: '/tmp' },
    );
    expect(env).toEqual({
      PATH: '/opt/py/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/home/sandbox',
      USER: 'sandbox',
      LOGNAME: 'sandbox',
      TMPDIR: '/tmp',
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
    });
  });
});
