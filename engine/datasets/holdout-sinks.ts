import fs from 'node:fs/promises';
import path from 'node:path';
import { BufferedWriter } from './buffered-writer';
import { csvLine } from './csv-records';
import { holdoutOrderKey } from './holdout-ids';
import { holdoutDir, labelsFile, SOURCES_FILE, TEMP_DIR } from './run-data-layout';
import type { SplitName } from './schemas';
import { ShuffledWriter } from './shuffled-writer';

/**
 * Where holdout examples go as a materializer meets them: features (in hash order) under `holdout/<split>/`,
 * the hidden label under `labels/<split>.csv`, the source location (and the data's own id, where it has one)
 * under `labels/sources.csv`.
 */
export class HoldoutSinks {
  readonly rows: Record<SplitName, number> = { selection: 0, final: 0 };

  private constructor(
    private readonly runDataDir: string,
    private readonly seed: number,
    private readonly fingerprint: string,
    private readonly features: Record<SplitName, ShuffledWriter> | null,
    private readonly labels: Record<SplitName, BufferedWriter>,
    private readonly sources: BufferedWriter,
    private readonly featuresFile: string | null,
  ) {}

  /**
   * `featuresFile`: the file name rows are written to (features.csv / features.jsonl), or null when the
   * materializer writes feature files itself (images). `expectedBytes` sizes the sort buckets.
   */
  static async open(options: {
    runDataDir: string;
    seed: number;
    fingerprint: string;
    featuresFile: string | null;
    expectedBytes: number;
  }): Promise<HoldoutSinks> {
    const { runDataDir, featuresFile } = options;
    const temp = path.join(runDataDir, TEMP_DIR);
    for (const dir of [holdoutDir('selection'), holdoutDir('final'), 'labels', TEMP_DIR]) {
      await fs.mkdir(path.join(runDataDir, dir), { recursive: true });
    }
    const features = featuresFile
      ? {
          selection: await ShuffledWriter.create(temp, 'selection', options.expectedBytes),
          final: await ShuffledWriter.create(temp, 'final', options.expectedBytes),
        }
      : null;
    const labels = {
      selection: await BufferedWriter.create(path.join(runDataDir, labelsFile('selection'))),
      final: await BufferedWriter.create(path.join(runDataDir, labelsFile('final'))),
    };
    const sources = await BufferedWriter.create(path.join(runDataDir, SOURCES_FILE));
    for (const writer of Object.values(labels)) await writer.write('id,label\n');
    await sources.write('id,split,file,line,source_id\n');
    return new HoldoutSinks(
      runDataDir,
      options.seed,
      options.fingerprint,
      features,
      labels,
      sources,
      featuresFile,
    );
  }

  /**
   * `featureText`: one complete row or line (ending with a newline); null when the caller wrote a file.
   * `sourceId`: the example's id in the data itself (an `id` column or field), for the report only.
   */
  async add(
    split: SplitName,
    entry: {
      id: string;
      featureText: string | null;
      label: string;
      source: string;
      line: number | null;
      sourceId?: string | null;
    },
  ): Promise<void> {
    if (entry.featureText !== null) {
      const key = holdoutOrderKey(this.seed, this.fingerprint, entry.id);
      await this.features?.[split].add(key, entry.id, entry.featureText);
    }
    await this.labels[split].write(csvLine([entry.id, entry.label]));
    await this.sources.write(
      csvLine([
        entry.id,
        split,
        entry.source,
        entry.line === null ? '' : String(entry.line),
        entry.sourceId ?? '',
      ]),
    );
    this.rows[split] += 1;
  }

  /** Writes the sorted features; fails when two holdout examples share an id. */
  async finish(featuresHeader: string): Promise<{ ok: true } | { ok: false; duplicateId: string }> {
    let duplicate: string | null = null;
    try {
      for (const split of ['selection', 'final'] as const) {
        const writer = this.features?.[split];
        if (writer && this.featuresFile) {
          const target = path.join(this.runDataDir, holdoutDir(split), this.featuresFile);
          const { duplicateId } = await writer.finish(target, featuresHeader);
          duplicate ??= duplicateId;
        }
      }
    } finally {
      await this.closeWriters();
    }
    return duplicate === null ? { ok: true } : { ok: false, duplicateId: duplicate };
  }

  /** `finish`, for writers that made their ids unique: a shared id is a bug, not the data's fault. */
  async complete(featuresHeader: string): Promise<{ rows: Record<SplitName, number> }> {
    const finished = await this.finish(featuresHeader);
    if (!finished.ok) throw new Error(`holdout id collision on ${finished.duplicateId}`);
    return { rows: this.rows };
  }

  async abort(): Promise<void> {
    for (const writer of Object.values(this.features ?? {})) await writer.abort();
    await this.closeWriters();
  }

  private async closeWriters(): Promise<void> {
    for (const writer of [...Object.values(this.labels), this.sources]) await writer.close();
    await fs.rm(path.join(this.runDataDir, TEMP_DIR), { recursive: true, force: true });
  }
}
