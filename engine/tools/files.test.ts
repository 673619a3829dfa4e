import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { executeTool } from './execute';
import { makeToolContext } from './testing/tool-context';

const temp = useTempDir('mle-beast-tools-files-');

function setup(options: { docker?: boolean } = {}) {
  const ws = path.join(temp.dir, 'ws');
  const data = path.join(temp.dir, 'data');
  const outside = path.join(temp.dir, 'outside');
  for (const d of [ws, data, outside]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(data, 'train.csv'), 'x,y\n1,0\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  const ctx = makeToolContext(ws, {
    dataDir: data,
    sandboxPaths: options.docker ? { workspace: '/workspace', data: '/data' } : undefined,
  });
  const run = (name: string, args: Record<string, unknown>) => executeTool({ id: null, name, args }, ctx);
  return { ws: ctx.workspaceDir, data: ctx.dataDir!, outside: fs.realpathSync(outside), ctx, run };
}

describe('write_file / read_file / edit_file', () => {
  it('writes a file (creating folders), reads and edits it', async () => {
    const { ws, run } = setup();
    const w = await run('write_file', { file_path: 'src/a/model.py', content: 'x = 1\ny = 2\n' });
    expect(w).toMatchObject({ ok: true, text: 'Created src/a/model.py (2 lines, 12 chars)' });
    expect(fs.readFileSync(path.join(ws, 'src/a/model.py'), 'utf8')).toBe('x = 1\ny = 2\n');
    expect((await run('write_file', { file_path: 'src/a/model.py', content: 'x = 1\n' })).text).toMatch(
      /^Updated/,
    );
    expect((await run('read_file', { file_path: 'src/a/model.py' })).text).toBe('x = 1\n');
    const e = await run('edit_file', { file_path: 'src/a/model.py', old_text: '1', new_text: '3' });
    expect(e).toMatchObject({ ok: true });
    expect(fs.readFileSync(path.join(ws, 'src/a/model.py'), 'utf8')).toBe('x = 3\n');
  });

  it('edit_file replaces every occurrence and explains a miss with a preview', async () => {
    const { ws, run } = setup();
    fs.writeFileSync(path.join(ws, 'a.py'), 'lr = 0.1\nlr2 = 0.1\n');
    expect((await run('edit_file', { file_path: 'a.py', old_text: '0.1', new_text: '0.01' })).text).toMatch(
      /2 occurrences/,
    );
    const miss = await run('edit_file', { file_path: 'a.py', old_text: 'nope', new_text: 'x' });
    expect(miss.ok).toBe(false);
    expect(miss.text).toMatch(/^ERROR: old_text was not found in a\.py/);
    expect(miss.text).toContain('lr = 0.01');
    expect((await run('edit_file', { file_path: 'b.py', old_text: 'a', new_text: 'b' })).text).toMatch(
      /^ERROR: .*does not exist/,
    );
  });

  it('caps a read at 5000 characters with the size and an offset to read on', async () => {
    const { ws, run } = setup();
    fs.writeFileSync(path.join(ws, 'big.txt'), 'a'.repeat(4000) + 'b'.repeat(4000));
    const first = await run('read_file', { file_path: 'big.txt' });
    expect(first.text.startsWith('a'.repeat(4000) + 'b'.repeat(1000) + '\n')).toBe(true);
    expect(first.text).toContain('[Showing characters 0-5000 of 8000 (8000 bytes)');
    expect(first.text).toContain('offset=5000');
    const second = await run('read_file', { file_path: 'big.txt', offset: 5000 });
    expect(second.text.startsWith('b'.repeat(3000) + '\n')).toBe(true);
    expect(second.text).not.toContain('offset=');
  });

  it('says a binary file is binary and a folder is a folder', async () => {
    const { ws, run } = setup();
    fs.writeFileSync(path.join(ws, 'w.bin'), Buffer.from([1, 0, 2, 3]));
    expect((await run('read_file', { file_path: 'w.bin' })).text).toMatch(/binary file \(4 bytes\)/);
    expect((await run('read_file', { file_path: '.' })).text).toMatch(/^ERROR: \. is a folder/);
  });

  it('reads the data folder (relative to nothing: by its path) but never writes there', async () => {
    const { data, run } = setup();
    expect((await run('read_file', { file_path: path.join(data, 'train.csv') })).text).toBe('x,y\n1,0\n');
    const w = await run('write_file', { file_path: path.join(data, 'train.csv'), content: 'oops' });
    expect(w.text).toMatch(/^ERROR: .*data folder, which is read-only/);
    expect(fs.readFileSync(path.join(data, 'train.csv'), 'utf8')).toBe('x,y\n1,0\n');
  });

  it('maps Docker sandbox paths (/workspace, /data) to the host folders', async () => {
    const { ws, run } = setup({ docker: true });
    expect((await run('write_file', { file_path: '/workspace/notes.md', content: 'hi' })).ok).toBe(true);
    expect(fs.readFileSync(path.join(ws, 'notes.md'), 'utf8')).toBe('hi');
    expect((await run('read_file', { file_path: '/data/train.csv' })).text).toBe('x,y\n1,0\n');
    expect((await run('write_file', { file_path: '/data/x.csv', content: '' })).text).toMatch(/read-only/);
    expect((await run('read_file', { file_path: '/etc/passwd' })).text).toMatch(
      /^ERROR: \/etc\/passwd is outside the workspace and the data folder/,
    );
  });

  it('refuses paths that leave the workspace, by .. or through symbolic links', async () => {
    const { ws, outside, run } = setup();
    expect((await run('write_file', { file_path: '../escape.txt', content: 'x' })).text).toMatch(
      /^ERROR: .*outside the workspace/,
    );
    fs.symlinkSync(outside, path.join(ws, 'linkdir'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'linkfile'));
    const viaDir = await run('write_file', { file_path: 'linkdir/new.txt', content: 'x' });
    expect(viaDir.text).toMatch(/^ERROR: .*symbolic link that leaves the workspace/);
    expect(fs.existsSync(path.join(outside, 'new.txt'))).toBe(false);
    const viaFile = await run('write_file', { file_path: 'linkfile', content: 'x' });
    expect(viaFile.text).toMatch(/^ERROR: linkfile is a symbolic link/);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect((await run('edit_file', { file_path: 'linkfile', old_text: 's', new_text: 'x' })).ok).toBe(false);
    expect((await run('read_file', { file_path: 'linkfile' })).text).toMatch(
      /^ERROR: .*outside the workspace/,
    );
    expect((await run('list_files', { directory: 'linkdir' })).text).toMatch(/^ERROR: .*outside/);
    expect((await run('create_directory', { dir_path: 'linkdir/sub' })).ok).toBe(false);
    expect(fs.existsSync(path.join(outside, 'sub'))).toBe(false);
  });

  it('follows a link that stays inside the workspace', async () => {
    const { ws, run } = setup();
    fs.mkdirSync(path.join(ws, 'real'));
    fs.symlinkSync(path.join(ws, 'real'), path.join(ws, 'alias'));
    expect((await run('write_file', { file_path: 'alias/f.txt', content: 'ok' })).ok).toBe(true);
    expect(fs.readFileSync(path.join(ws, 'real', 'f.txt'), 'utf8')).toBe('ok');
  });

  it('refuses anything under .git', async () => {
    const { ws, run } = setup();
    fs.mkdirSync(path.join(ws, '.git', 'hooks'), { recursive: true });
    for (const file_path of ['.git/hooks/pre-commit', '.git/config', 'sub/../.git/x', '.GIT/x']) {
      const r = await run('write_file', { file_path, content: '#!/bin/sh\n' });
      expect(r.text, file_path).toMatch(/^ERROR: .*\.git/);
    }
    expect((await run('create_directory', { dir_path: '.git/objects/zz' })).text).toMatch(/\.git/);
    fs.symlinkSync(path.join(ws, '.git'), path.join(ws, 'g'));
    expect((await run('write_file', { file_path: 'g/config', content: 'x' })).text).toMatch(/\.git/);
    expect(fs.existsSync(path.join(ws, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });
});

describe("the engine's run reports (hidden holdout scores)", () => {
  const SECRET = 'final-holdout 0.987654';
  const NAME = 'report_20260101T000000Z.html';

  /** A brownfield repository's own reports/ (cookiecutter-data-science) holding an earlier run's report. */
  function withReport(options: { docker?: boolean } = {}) {
    const env = setup(options);
    fs.mkdirSync(path.join(env.ws, 'reports', 'figures'), { recursive: true });
    fs.writeFileSync(path.join(env.ws, 'reports', NAME), SECRET);
    fs.writeFileSync(path.join(env.ws, 'reports', 'report_20260101T000000Z.pdf'), SECRET);
    fs.writeFileSync(path.join(env.ws, 'reports', 'figures', 'plot.png'), 'png');
    fs.writeFileSync(path.join(env.ws, 'reports', 'notes.md'), 'notes');
    fs.writeFileSync(path.join(env.ws, 'train.py'), 'abc');
    return env;
  }

  it('no file tool reads or changes them, by any name, path, case or link', async () => {
    const { ws, run } = withReport({ docker: true });
    fs.symlinkSync(path.join(ws, 'reports'), path.join(ws, 'alias'));
    fs.symlinkSync(path.join(ws, 'reports', NAME), path.join(ws, 'r.html'));
    const calls: [string, Record<string, unknown>][] = [
      ['read_file', { file_path: `reports/${NAME}` }],
      ['read_file', { file_path: 'reports/report_20260101T000000Z.pdf' }],
      ['read_file', { file_path: `/workspace/reports/${NAME}` }],
      ['read_file', { file_path: path.join(ws, 'reports', NAME) }],
      ['read_file', { file_path: `./src/../reports/${NAME}` }],
      ['read_file', { file_path: 'Reports/REPORT_20260101T000000Z.HTML' }],
      ['read_file', { file_path: `alias/${NAME}` }],
      ['read_file', { file_path: 'r.html' }],
      ['write_file', { file_path: `reports/${NAME}`, content: 'x' }],
      ['write_file', { file_path: `alias/${NAME}`, content: 'x' }],
      // A new file by a report's name: the engine's next report could be taken for it, or it for one.
      ['write_file', { file_path: 'reports/report_20270101T000000Z.html', content: 'x' }],
      ['edit_file', { file_path: `reports/${NAME}`, old_text: 'final', new_text: 'x' }],
      ['edit_file', { file_path: `alias/${NAME}`, old_text: 'final', new_text: 'x' }],
      ['create_directory', { dir_path: `reports/${NAME}` }],
      ['run_python_file', { file_path: `reports/${NAME}` }],
    ];
    for (const [name, args] of calls) {
      const r = await run(name, args);
      const label = `${name} ${JSON.stringify(args)}`;
      expect(r.ok, label).toBe(false);
      expect(r.text, label).toMatch(/^ERROR: .* is one of the engine's run reports in reports\//);
      expect(r.text, label).not.toContain(SECRET);
    }
    expect(fs.readFileSync(path.join(ws, 'reports', NAME), 'utf8')).toBe(SECRET);
    expect(fs.readdirSync(path.join(ws, 'reports')).sort()).toEqual([
      'figures',
      'notes.md',
      'report_20260101T000000Z.html',
      'report_20260101T000000Z.pdf',
    ]);
  });

  it("the rest of reports/ is the agent's: read, written, edited, listed, also through a link", async () => {
    const { ws, run } = withReport({ docker: true });
    fs.symlinkSync(path.join(ws, 'reports'), path.join(ws, 'alias'));
    const ok = async (name: string, args: Record<string, unknown>) => {
      const r = await run(name, args);
      expect(r.ok, `${name} ${JSON.stringify(args)}: ${r.text}`).toBe(true);
      return r.text;
    };
    expect(await ok('read_file', { file_path: 'reports/notes.md' })).toBe('notes');
    expect(await ok('read_file', { file_path: '/workspace/reports/figures/plot.png' })).toBe('png');
    await ok('write_file', { file_path: 'reports/figures/loss.png', content: 'loss' });
    await ok('write_file', { file_path: 'reports/report_final.html', content: 'mine' });
    await ok('edit_file', { file_path: 'alias/notes.md', old_text: 'notes', new_text: 'my notes' });
    await ok('create_directory', { dir_path: 'reports/figures/sub' });
    expect(fs.readFileSync(path.join(ws, 'reports', 'figures', 'loss.png'), 'utf8')).toBe('loss');
    expect(fs.readFileSync(path.join(ws, 'reports', 'notes.md'), 'utf8')).toBe('my notes');
    // Listings show reports/ and all of it but the engine's reports, whichever way it is reached.
    for (const directory of ['reports', 'alias', '/workspace/reports']) {
      expect(await ok('list_files', { directory })).toBe(
        `Contents of ${directory === '/workspace/reports' ? 'reports' : directory} matching "*" (3 entries):\n` +
          '[DIR] figures/\n[FILE] notes.md (8 bytes)\n[FILE] report_final.html (4 bytes)',
      );
    }
  });

  it('listings of the workspace show reports/ but never the engine reports in it', async () => {
    const { run } = withReport();
    expect((await run('list_files', {})).text).toBe(
      'Contents of . matching "*" (2 entries):\n[DIR] reports/\n[FILE] train.py (3 bytes)',
    );
    const deep = (await run('list_files', { pattern: '**' })).text;
    expect(deep).not.toContain('report_2026');
    expect(deep).toContain('[FILE] reports/figures/plot.png (3 bytes)');
    expect(deep).toContain('[FILE] reports/notes.md (5 bytes)');
  });
});

describe('create_directory / list_files', () => {
  it('creates folders with their parents', async () => {
    const { ws, run } = setup();
    expect((await run('create_directory', { dir_path: 'a/b/c' })).text).toBe('Created folder a/b/c');
    expect(fs.statSync(path.join(ws, 'a/b/c')).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(ws, 'file'), '');
    expect((await run('create_directory', { dir_path: 'file/x' })).text).toMatch(/is a file, not a folder/);
  });

  it('lists with [DIR]/[FILE] and sizes, skipping noise folders', async () => {
    const { ws, run } = setup();
    fs.mkdirSync(path.join(ws, 'src'));
    fs.writeFileSync(path.join(ws, 'src', 'm.py'), '12345');
    fs.writeFileSync(path.join(ws, 'train.py'), 'abc');
    for (const d of ['.git', '__pycache__', '.venv', 'venv', 'node_modules']) fs.mkdirSync(path.join(ws, d));
    fs.writeFileSync(path.join(ws, '__pycache__', 'x.pyc'), '');
    const all = await run('list_files', {});
    expect(all.text).toBe('Contents of . matching "*" (2 entries):\n[DIR] src/\n[FILE] train.py (3 bytes)');
    const py = await run('list_files', { pattern: '**/*.py' });
    expect(py.text).toContain('[FILE] src/m.py (5 bytes)');
    expect(py.text).toContain('[FILE] train.py (3 bytes)');
    expect(py.text).not.toContain('pyc');
    expect((await run('list_files', { directory: 'src', pattern: '*.py' })).text).toContain(
      '[FILE] m.py (5 bytes)',
    );
    expect((await run('list_files', { pattern: '*.csv' })).text).toBe('No files matching "*.csv" in ..');
    expect((await run('list_files', { directory: 'nope' })).text).toMatch(/^ERROR: nope does not exist/);
  });

  it('lists the data folder by its sandbox path', async () => {
    const { run } = setup({ docker: true });
    expect((await run('list_files', { directory: '/data' })).text).toContain('[FILE] train.csv (8 bytes)');
  });

  it('caps long listings with a count of what is not shown', async () => {
    const { ws, run } = setup();
    for (let i = 0; i < 510; i++) fs.writeFileSync(path.join(ws, `f${String(i).padStart(3, '0')}.txt`), '');
    const r = await run('list_files', { pattern: '*.txt' });
    expect(r.text.split('\n')).toHaveLength(1 + 500 + 1);
    expect(r.text).toContain('(510 entries)');
    expect(r.text.endsWith('... 10 more not shown')).toBe(true);
  });
});

describe('executeTool', () => {
  it('marks complete, and turns unknown tools and bad arguments into ERROR text', async () => {
    const { run } = setup();
    expect(await run('mark_complete', { summary: 'done' })).toMatchObject({
      ok: true,
      text: 'Marked complete.',
      complete: { summary: 'done' },
    });
    expect((await run('rm_rf', {})).text).toBe('ERROR: Unknown tool: rm_rf');
    expect((await run('write_file', { file_path: 'x' })).text).toMatch(
      /^ERROR: write_file: invalid arguments: .*content/s,
    );
  });

  it('refuses download_url without the network', async () => {
    const { run } = setup();
    const r = await run('download_url', { url: 'http://127.0.0.1:1/x', dest_path: 'x' });
    expect(r.text).toMatch(/^ERROR: download_url is not available/);
  });
});
