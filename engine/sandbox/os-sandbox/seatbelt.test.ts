import { describe, expect, it } from 'vitest';
import { sbString, seatbeltProfile } from './seatbelt';

// The generated Seatbelt profile, as text (sandbox-exec runs only on macOS).

const plan = {
  workspaceDir: '/Users/u/.mle-beast/workspaces/ws',
  homeDir: '/private/tmp/sbx/home',
  tmpDir: '/private/tmp/sbx/tmp',
  hidden: ['/Users/u/.mle-beast', '/Users/u/.ssh', '/Users/u/Library/Keychains'],
  readable: ['/Users/u/.mle-beast/workspaces/ws', '/Users/u/.mle-beast/runs/r1/data/visible'],
  network: 'none' as const,
};

describe('seatbeltProfile', () => {
  it('denies by default, reads all but the hidden paths, writes only the workspace and private folders', () => {
    expect(seatbeltProfile(plan)).toBe(
      [
        '(version 1)',
        '(deny default)',
        '(allow process-exec process-fork)',
        '(allow signal (target same-sandbox))',
        '(allow sysctl-read)',
        '(allow mach-lookup)',
        '(allow ipc-posix-shm ipc-posix-sem)',
        '(allow file-read*)',
        '(deny file-read* file-write* (subpath "/Users/u/.mle-beast") (subpath "/Users/u/.ssh") (subpath "/Users/u/Library/Keychains"))',
        '(allow file-read* (subpath "/Users/u/.mle-beast/workspaces/ws") (subpath "/Users/u/.mle-beast/runs/r1/data/visible"))',
        '(allow file-write* (subpath "/Users/u/.mle-beast/workspaces/ws") (subpath "/private/tmp/sbx/home") (subpath "/private/tmp/sbx/tmp") (literal "/dev/null") (literal "/dev/tty"))',
        '(deny file-write* (subpath "/Users/u/.mle-beast/workspaces/ws/.git"))',
        '(allow network* (local unix-socket) (remote unix-socket))',
        '',
      ].join('\n'),
    );
  });

  it('orders the rules so later ones win: hidden, then the readable exceptions, then .git read-only', () => {
    const text = seatbeltProfile(plan);
    const at = (s: string) => text.indexOf(s);
    expect(at('(deny file-read* file-write*')).toBeGreaterThan(at('(allow file-read*)'));
    expect(at('(allow file-read* (subpath')).toBeGreaterThan(at('(deny file-read* file-write*'));
    expect(at('(deny file-write* (subpath "/Users/u/.mle-beast/workspaces/ws/.git"))')).toBeGreaterThan(
      at('(allow file-write*'),
    );
  });

  it("denies the workspace's engine-only folders last, over the workspace's read and write allowances", () => {
    const reports = '/Users/u/.mle-beast/workspaces/ws/reports';
    const text = seatbeltProfile({ ...plan, engineOnly: [reports] });
    const lines = text.trimEnd().split('\n');
    const deny = `(deny file-read* file-write* (subpath "${reports}"))`;
    expect(lines).toContain(deny);
    for (const allowance of ['(allow file-read* (subpath', '(allow file-write* (subpath'])
      expect(lines.indexOf(deny)).toBeGreaterThan(lines.findIndex((l) => l.startsWith(allowance)));
    expect(seatbeltProfile(plan)).not.toContain('reports');
  });

  it('allows the network only when the run does', () => {
    expect(seatbeltProfile({ ...plan, network: 'bridge' })).toMatch(/\(allow network\*\)\n$/);
    expect(seatbeltProfile(plan)).not.toMatch(/\(allow network\*\)/);
  });

  it('quotes paths so none can end the string and add a rule', () => {
    expect(sbString('/a "b"\\ (allow default)')).toBe('"/a \\"b\\"\\\\ (allow default)"');
    const text = seatbeltProfile({ ...plan, hidden: ['/x") (allow file-write* (subpath "/'] });
    expect(text).toContain('(subpath "/x\\") (allow file-write* (subpath \\"/")');
  });
});
