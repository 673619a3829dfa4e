import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../engine/testing/temp-dir';
import { formatLogLine, recordBlock } from './audit-log';
import { type PolicyVerdict, blockMessage } from './verdict';

const temp = useTempDir('mle-policy-log-');
const NOW = new Date('2026-05-21T11:24:33.456Z');
const sudo: PolicyVerdict = {
  allowed: false,
  kind: 'shell',
  rule: 'token:sudo',
  reason: '`sudo` is a blocked command',
};

describe('safety.log', () => {
  it('appends one tab-separated line per block, creating logs/', () => {
    recordBlock(temp.dir, sudo, 'sudo apt install foo', NOW);
    recordBlock(temp.dir, { ...sudo, kind: 'python_file', rule: 'path-containment' }, 'evil.py', NOW);
    const text = fs.readFileSync(path.join(temp.dir, 'logs', 'safety.log'), 'utf8');
    expect(text).toBe(
      '2026-05-21T11:24:33Z\tshell\ttoken:sudo\tsudo apt install foo\n' +
        '2026-05-21T11:24:33Z\tpython_file\tpath-containment\tevil.py\n',
    );
  });

  it('never follows a planted link: neither logs/ nor safety.log may lead outside the workspace', () => {
    const outside = path.join(temp.dir, 'outside');
    fs.mkdirSync(outside);
    const victim = path.join(outside, '.bashrc');
    fs.writeFileSync(victim, '# user shell start-up\n');
    const workspace = path.join(temp.dir, 'ws');
    fs.mkdirSync(path.join(workspace, 'logs'), { recursive: true });
    fs.symlinkSync(victim, path.join(workspace, 'logs', 'safety.log'));
    expect(() => recordBlock(workspace, sudo, 'sudo x; touch /tmp/pwned #', NOW)).toThrow(/symbolic link/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('# user shell start-up\n');

    const other = path.join(temp.dir, 'ws2');
    fs.mkdirSync(other);
    fs.symlinkSync(outside, path.join(other, 'logs'));
    expect(() => recordBlock(other, sudo, 'sudo x', NOW)).toThrow(/not a folder/);
    expect(fs.existsSync(path.join(outside, 'safety.log'))).toBe(false);

    const fifo = path.join(temp.dir, 'ws3');
    fs.mkdirSync(path.join(fifo, 'logs', 'safety.log'), { recursive: true });
    expect(() => recordBlock(fifo, sudo, 'sudo x', NOW)).toThrow(/not a regular file|EISDIR/);
  });

  it('keeps the first 200 characters of the subject, with line breaks and tabs as spaces', () => {
    const subject = `cat <<EOF\nline\ttwo\r\n${'x'.repeat(300)}`;
    const line = formatLogLine(sudo, subject, NOW);
    const fields = line.trimEnd().split('\t');
    expect(fields).toHaveLength(4);
    expect(fields[3]).toHaveLength(200);
    expect(fields[3]!.startsWith('cat <<EOF line two  xxx')).toBe(true);
    expect(line.endsWith('\n')).toBe(true);
  });

  it('counts characters, not UTF-16 units, when it cuts', () => {
    const fields = formatLogLine(sudo, '😀'.repeat(250), NOW).trimEnd().split('\t');
    expect([...fields[3]!]).toHaveLength(200);
  });

  it('does not log allowed verdicts', () => {
    recordBlock(temp.dir, { allowed: true, kind: 'shell', rule: null, reason: null }, 'ls', NOW);
    expect(fs.existsSync(path.join(temp.dir, 'logs'))).toBe(false);
  });
});

describe('blockMessage', () => {
  it('is the string the agent gets back', () => {
    expect(blockMessage(sudo)).toBe('ERROR: blocked by safety policy: `sudo` is a blocked command');
  });
});
