import { describe, expect, it } from 'vitest';
import { isEngineReportFile } from '../../api/report';
import { reportFileRegexes, sbString, seatbeltProfile } from './seatbelt';

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
        '(deny file-read* file-write* (regex "^/Users/u/[.]mle-beast/workspaces/ws/[rR][eE][pP][oO][rR][tT][sS]/[rR][eE][pP][oO][rR][tT]_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][tT][0-9][0-9][0-9][0-9][0-9][0-9][zZ][.][hH][tT][mM][lL]$") (regex "^/Users/u/[.]mle-beast/workspaces/ws/[rR][eE][pP][oO][rR][tT][sS]/[rR][eE][pP][oO][rR][tT]_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][tT][0-9][0-9][0-9][0-9][0-9][0-9][zZ][.][pP][dD][fF]$"))',
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

  it("denies the engine's report files last, by name, over the workspace's read and write allowances", () => {
    const lines = seatbeltProfile(plan).trimEnd().split('\n');
    const deny = lines.findIndex((l) => l.startsWith('(deny file-read* file-write* (regex '));
    for (const allowance of ['(allow file-read* (subpath', '(allow file-write* (subpath'])
      expect(deny).toBeGreaterThan(lines.findIndex((l) => l.startsWith(allowance)));
    // Nothing else of reports/ is denied: a brownfield repository's figures and notes stay the agent's.
    expect(lines.filter((l) => l.includes('reports') || l.includes('[sS]/'))).toEqual([lines[deny]]);
  });

  it('its regexes match exactly the names the engine writes, in any case, in this workspace only', () => {
    // The profile's regexes are POSIX extended; these (brackets, anchors) read the same as a JavaScript RegExp.
    const ws = '/Users/u/my ws (v2)/a+b.c';
    const res = reportFileRegexes(ws).map((r) => new RegExp(r));
    const denied = (p: string) => res.some((r) => r.test(p));
    for (const rel of [
      'reports/report_20260101T000000Z.html',
      'reports/report_20260101T000000Z.pdf',
      'Reports/REPORT_20260101T000000Z.HTML',
    ]) {
      expect(denied(`${ws}/${rel}`), rel).toBe(true);
      expect(isEngineReportFile(rel, { anyCase: true }), rel).toBe(true);
    }
    for (const rel of [
      'reports/figures/plot.png',
      'reports/notes.md',
      'reports/report_final.html',
      'reports/figures/report_20260101T000000Z.html',
      'reports/report_20260101T000000Z.html.bak',
      'src/reports/report_20260101T000000Z.html',
    ]) {
      expect(denied(`${ws}/${rel}`), rel).toBe(false);
      expect(isEngineReportFile(rel, { anyCase: true }), rel).toBe(false);
    }
    // The workspace's own characters are literal: `+` and `.` match only themselves.
    expect(denied('/Users/u/my ws (v2)/aab.c/reports/report_20260101T000000Z.html')).toBe(false);
    expect(denied('/Users/u/my ws (v2)/a+bxc/reports/report_20260101T000000Z.html')).toBe(false);
    expect(denied('/Users/u/other/reports/report_20260101T000000Z.html')).toBe(false);
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
