import type { ProjectConfig } from '../config';
import type { DatasetSource } from './schemas';

/** The datasets module's view of the config's dataset; null when there is none or it is `other`. */
export function toDatasetSource(config: ProjectConfig): DatasetSource | null {
  const d = config.dataset;
  if (!d || d.kind === 'other') return null;
  return {
    kind: d.kind,
    path: d.trainPath,
    ...(d.testPath ? { testPath: d.testPath } : {}),
    ...(d.target ? { labelColumn: d.target } : {}),
  };
}
