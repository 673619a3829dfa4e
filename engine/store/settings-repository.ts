import type Database from 'better-sqlite3';
import { DEFAULT_SETTINGS, Settings, type SettingKey, type SettingsPatch } from '../api/settings';

/**
 * Settings as one row per key. Reading validates each stored value against the schema; a value that no
 * longer fits (written by another version, or edited by hand) falls back to its default rather than
 * breaking start-up, and is reported once.
 */
export class SettingsRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {}

  /**
   * Prepared once: every command that reads a setting comes here (settings.get is the desktop's most
   * frequent call), and compiling the statement each time was most of its cost on main's loop.
   */
  private readAll: Database.Statement | null = null;

  get(): Settings {
    this.readAll ??= this.db.prepare('SELECT key, value_json FROM settings');
    const rows = this.readAll.all() as {
      key: string;
      value_json: string;
    }[];
    const shape = Settings.shape;
    const stored: Partial<Record<SettingKey, unknown>> = {};
    for (const row of rows) {
      if (!Object.hasOwn(shape, row.key)) continue; // a setting this version does not know
      const key = row.key as SettingKey;
      const parsed = shape[key].safeParse(JSON.parse(row.value_json));
      if (parsed.success) stored[key] = parsed.data;
      else this.warn(`setting ${key} has an invalid stored value ${row.value_json}; using the default`);
    }
    return Settings.parse({ ...DEFAULT_SETTINGS, ...stored });
  }

  /** The patch must already be validated (the contract does that); writes it atomically. */
  update(patch: SettingsPatch): Settings {
    const upsert = this.db.prepare(
      `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
    );
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value), now);
      }
    })();
    return this.get();
  }
}
