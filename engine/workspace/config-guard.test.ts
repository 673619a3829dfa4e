import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { openBrownfield } from './brownfield';
import { beginExperiment, keepExperiment, revertExperiment } from './experiment';
import { openGreenfield } from './greenfield';
import { restoreWorkspace } from './restore';
import { read, userGit, userRepo, write } from './testing/repos';

const temp = useTempDir('mle-beast-config-guard-');
const now = new Date('2025-06-01T12:34:56Z');

/** A command for a filter or merge driver that leaves a trace when git runs it, then passes data through. */
const plant = (marker: string) => `touch "${marker}"; cat`;

describe('config the agent changed', () => {
  it('never runs a filter planted in .git/config; puts the config back and keeps the changed one aside', async () => {
    const root = path.join(temp.dir, 'ws');
    await openGreenfield(root, { now });
    const config = path.join(root, '.git', 'config');
    const original = fs.readFileSync(config, 'utf8');
    const marker = path.join(temp.dir, 'ran');
    await beginExperiment(root);
    // What agent code that can write .git would do: a clean filter for every Python file.
    write(root, '.gitattributes', '*.py filter=evil\n');
    userGit(root, 'config', 'filter.evil.clean', plant(marker));
    userGit(root, 'config', 'filter.evil.smudge', plant(marker));
    write(root, 'model.py', 'x = 1\n');

    const kept = await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: null });
    expect(fs.existsSync(marker)).toBe(false);
    expect(kept.committed).toBe(true);
    expect(fs.readFileSync(config, 'utf8')).toBe(original);
    expect(kept.configRestored?.files).toHaveLength(1);
    const aside = kept.configRestored!.files[0]!;
    expect(aside.path).toBe(fs.realpathSync(config));
    const keptAt = aside.keptAt!;
    expect(keptAt.startsWith(path.join(fs.realpathSync(root), '.git', 'mle-beast'))).toBe(true);
    expect(fs.readFileSync(keptAt, 'utf8')).toContain('filter "evil"');
    expect(kept.configRestored!.message).toContain(keptAt);
    // Reported once: the next call finds the config as it was at open.
    const again = await keepExperiment(root, { step: 2, hypothesis: 'y', score: 1, previousScore: 1 });
    expect(again.configRestored).toBeNull();
    // beginExperiment checks too.
    userGit(root, 'config', 'filter.evil.clean', plant(marker));
    const begun = await beginExperiment(root);
    expect(begun.configRestored?.files.map((f) => f.path)).toEqual([aside.path]);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('runs no planted filter or merge driver in revert and restore, and hands the user their config back', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    write(root, 'src/app.py', 'print("user edit")\n'); // a stash to apply at the end
    const config = path.join(root, '.git', 'config');
    const original = fs.readFileSync(config, 'utf8');
    const marker = path.join(temp.dir, '..', `${path.basename(temp.dir)}-ran`);
    await openBrownfield(root, { now });
    const plantAll = () => {
      write(root, '.gitattributes', '* filter=evil merge=evil\n');
      userGit(root, 'config', 'filter.evil.clean', plant(marker));
      userGit(root, 'config', 'filter.evil.smudge', plant(marker));
      userGit(root, 'config', 'merge.evil.driver', plant(marker));
    };
    try {
      const snapshot = await beginExperiment(root);
      plantAll();
      write(root, 'src/util.py', 'X = 99\n');
      const reverted = await revertExperiment(root, snapshot);
      expect(fs.existsSync(marker)).toBe(false);
      expect(reverted.configRestored?.files.map((f) => f.path)).toEqual([config]);
      expect(read(root, 'src/util.py')).toBe('X = 1\n');

      plantAll();
      const restored = await restoreWorkspace(root);
      expect(fs.existsSync(marker)).toBe(false);
      expect(restored.status).toBe('restored');
      expect(restored.configRestored?.files.map((f) => f.path)).toEqual([config]);
      expect(fs.readFileSync(config, 'utf8')).toBe(original);
      expect(read(root, 'src/app.py')).toBe('print("user edit")\n');
    } finally {
      fs.rmSync(marker, { force: true });
    }
  });

  it('watches config.worktree too, where the repository reads one', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    userGit(root, 'config', 'extensions.worktreeConfig', 'true');
    const marker = path.join(temp.dir, '..', `${path.basename(temp.dir)}-ran`);
    await openBrownfield(root, { now });
    try {
      write(root, '.gitattributes', '*.py filter=evil\n');
      userGit(root, 'config', '--worktree', 'filter.evil.clean', plant(marker));
      write(root, 'src/app.py', 'print("v2")\n');
      const kept = await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: null });
      expect(fs.existsSync(marker)).toBe(false);
      const worktreeConfig = path.join(root, '.git', 'config.worktree');
      expect(kept.configRestored?.files.map((f) => f.path)).toEqual([worktreeConfig]);
      expect(fs.existsSync(worktreeConfig)).toBe(false); // there was none at open
      expect(fs.readFileSync(kept.configRestored!.files[0]!.keptAt!, 'utf8')).toContain('evil');
    } finally {
      fs.rmSync(marker, { force: true });
    }
  });

  it('disables filters defined outside .git/config since the run opened; the user’s own filter keeps working', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    // A project that shares git settings through a tracked file included from .git/config.
    write(root, 'project.gitconfig', '[filter "upper"]\n\tclean = tr a-z A-Z\n\tsmudge = cat\n');
    write(root, '.gitattributes', '*.txt filter=upper\n');
    userGit(root, 'add', '-A');
    userGit(root, 'commit', '-q', '-m', 'shared settings');
    userGit(root, 'config', 'include.path', '../project.gitconfig');
    const marker = path.join(temp.dir, '..', `${path.basename(temp.dir)}-ran`);
    await openBrownfield(root, { now });
    try {
      await beginExperiment(root);
      // The agent edits the included file: .git/config itself does not change.
      write(
        root,
        'project.gitconfig',
        // Quoted: in a config file `;` starts a comment.
        `[filter "upper"]\n\tclean = "touch ${marker}; tr a-z A-Z"\n\tsmudge = cat\n[filter "evil"]\n\tclean = "touch ${marker}; cat"\n\tsmudge = "touch ${marker}; cat"\n\trequired = true\n`,
      );
      write(root, '.gitattributes', '*.txt filter=upper\n*.py filter=evil\n');
      write(root, 'notes.txt', 'hello\n');
      write(root, 'src/app.py', 'print("v2")\n');
      const kept = await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: null });
      expect(fs.existsSync(marker)).toBe(false);
      // The filter the user had at open ran as it was configured then.
      expect(userGit(root, 'show', `${kept.sha}:notes.txt`)).toBe('HELLO\n');
      expect(userGit(root, 'show', `${kept.sha}:src/app.py`)).toBe('print("v2")\n');
      expect(kept.configRestored?.files).toEqual([]);
      expect(kept.configRestored?.drivers).toEqual(['filter.evil', 'filter.upper']);
    } finally {
      fs.rmSync(marker, { force: true });
    }
  });

  it('refuses, changing nothing, when a new driver has a name the command line cannot switch off', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    write(root, 'project.gitconfig', '');
    userGit(root, 'config', 'include.path', '../project.gitconfig');
    const marker = path.join(temp.dir, '..', `${path.basename(temp.dir)}-ran`);
    await openBrownfield(root, { now });
    try {
      write(root, 'project.gitconfig', `[filter "a=b"]\n\tclean = "touch ${marker}; cat"\n`);
      write(root, '.gitattributes', '*.py filter=a=b\n');
      write(root, 'src/app.py', 'print("v2")\n');
      const head = userGit(root, 'rev-parse', 'HEAD').trim();
      await expect(
        keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: null }),
      ).rejects.toMatchObject({ code: 'unsafe_config' });
      expect(fs.existsSync(marker)).toBe(false);
      expect(userGit(root, 'rev-parse', 'HEAD').trim()).toBe(head);
    } finally {
      fs.rmSync(marker, { force: true });
    }
  });

  it('never enters a nested repository the agent registered as a gitlink, so its filters never run', async () => {
    const root = path.join(temp.dir, 'nested-ws');
    await openGreenfield(root, { now });
    const marker = path.join(temp.dir, 'nested-ran');
    await beginExperiment(root);
    // Agent code in a nested repository of its own: a clean filter git would run inside it during status.
    const sub = path.join(root, 'sub');
    fs.mkdirSync(sub);
    userGit(sub, 'init', '-q');
    write(sub, '.gitattributes', '* filter=evil\n');
    write(sub, 'f.txt', 'hi\n');
    userGit(sub, 'config', 'filter.evil.clean', plant(marker));
    userGit(sub, 'add', '-A');
    userGit(sub, 'commit', '-qm', 's');
    userGit(root, 'add', 'sub'); // a gitlink, as the agent's own git would add it
    write(sub, 'f.txt', 'changed\n'); // dirty inside: status would look
    fs.rmSync(marker, { force: true }); // whatever the agent's own git ran so far is not the engine's doing

    await keepExperiment(root, { step: 1, hypothesis: 'nested', score: 1, previousScore: null });
    expect(fs.existsSync(marker), 'keep').toBe(false);
    await beginExperiment(root);
    expect(fs.existsSync(marker), 'begin').toBe(false);
    await revertExperiment(root);
    expect(fs.existsSync(marker), 'revert').toBe(false);
  });
});
