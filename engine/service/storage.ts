import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultUserPolicyPath } from '../../policy';
import type { AppStorage, StorageLocation } from '../api/storage';
import { databaseStats } from '../store/database-stats';
import type { Store } from '../store/database';

export interface StorageOptions {
  /** The engine's home (the database's folder): runs/ and workspaces/ live there. */
  home: string;
  /** Where the user's policy additions are read from; default ~/.mle-beast/policy.json. */
  userPolicyPath?: string;
}

const exists = (p: string): boolean => fs.existsSync(p);

/** `app.storage`: the places mle-beast keeps data on this machine, and the database's statistics. */
export function describeStorage(store: Store, options: StorageOptions): AppStorage {
  const runs = path.join(options.home, 'runs');
  const policy = options.userPolicyPath ?? defaultUserPolicyPath(os.homedir());
  const place = (
    id: StorageLocation['id'],
    label: string,
    where: string,
    note: string,
    pattern = false,
  ): StorageLocation => ({ id, label, path: where, exists: pattern ? null : exists(where), note });
  return {
    locations: [
      place(
        'database',
        'Database',
        store.path,
        'Runs, events, settings and the model-list cache. Set MLE_BEAST_DB_PATH to use another file.',
      ),
      place(
        'home',
        'Engine home',
        options.home,
        "The database's folder; runs and workspaces live beside it.",
      ),
      place('runs', 'Runs folder', runs, "Each run's data copy, hidden holdout and full command logs."),
      place(
        'workspaces',
        'Workspaces',
        path.join(options.home, 'workspaces'),
        'Greenfield runs without a workspace path get a git repository here (kept when a run is deleted).',
      ),
      place(
        'policy',
        'Your safety policy additions',
        policy,
        exists(policy)
          ? 'Merged over the shipped policy for every run.'
          : 'Not created yet: the shipped policy applies as is. Saving additions in Safety policy creates it.',
      ),
      place(
        'runLogs',
        'Logs',
        path.join(runs, '<run id>', 'logs'),
        "Each command's full output; blocked commands go to logs/safety.log in the run's workspace.",
        true,
      ),
    ],
    database: databaseStats(store.db, store.path),
  };
}
