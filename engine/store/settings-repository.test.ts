import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../api/settings';
import { useTempDir } from '../testing/temp-dir';
import { openStore } from './database';
import { SettingsRepository } from './settings-repository';

describe('settings repository', () => {
  const temp = useTempDir();
  let file: string;
  beforeEach(() => (file = path.join(temp.dir, 'db.sqlite')));

  it('starts from the defaults', () => {
    const store = openStore({ path: file });
    expect(new SettingsRepository(store.db).get()).toEqual(DEFAULT_SETTINGS);
    store.close();
  });

  it('keeps saved settings across closing and reopening the database', () => {
    const store = openStore({ path: file });
    const saved = new SettingsRepository(store.db).update({ theme: 'dark', defaultMaxSteps: 12 });
    expect(saved).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', defaultMaxSteps: 12 });
    store.close();

    const reopened = openStore({ path: file });
    const repo = new SettingsRepository(reopened.db);
    expect(repo.get()).toEqual(saved);
    expect(repo.update({ forceCpu: true })).toEqual({ ...saved, forceCpu: true });
    reopened.close();
  });

  it('falls back to the default for a stored value that no longer fits, and says so', () => {
    const store = openStore({ path: file });
    store.db
      .prepare("INSERT INTO settings VALUES ('defaultMaxSteps', '\"lots\"', 'x'), ('retired', '1', 'x')")
      .run();
    const warn = vi.fn();
    expect(new SettingsRepository(store.db, warn).get()).toEqual(DEFAULT_SETTINGS);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/defaultMaxSteps has an invalid stored value/));
    expect(warn).toHaveBeenCalledTimes(1);
    store.close();
  });
});
