import settings from './001_settings';
import modelCatalog from './002_model_catalog';
import runs from './003_runs';
import runsListIndexes from './004_runs_list_indexes';

export interface Migration {
  /** Position in the sequence, starting at 1, with no gaps. */
  id: number;
  name: string;
  sql: string;
}

/** Forward-only, in order. Append; never reorder, rename or edit an entry that has shipped. */
export const migrations: readonly Migration[] = [settings, modelCatalog, runs, runsListIndexes];
