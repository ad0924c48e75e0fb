/**
 * The embedded default: every port on one machine, under one folder (`pipeline.embedded.dir`,
 * `.retrain/` by default): a SQLite file for logs and records, a folder as the bucket, and an
 * in-process message bus. Nothing to install, nothing in the cloud.
 */
import path from 'node:path';
import { REPO_ROOT } from '../../config/load.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { Ports } from '../../ports/index.ts';
import { FolderArtifactStore } from './folder-artifact-store.ts';
import { MemoryMessageBus, type MemoryBusOptions } from './memory-message-bus.ts';
import { SqliteLogStore } from './sqlite-log-store.ts';
import { SqliteRecordStore } from './sqlite-record-store.ts';

export { FolderArtifactStore } from './folder-artifact-store.ts';
export { MemoryMessageBus } from './memory-message-bus.ts';
export { SqliteLogStore } from './sqlite-log-store.ts';
export { SqliteRecordStore } from './sqlite-record-store.ts';

/** Options of the embedded ports. */
export interface EmbeddedOptions {
  /** Base of a relative `pipeline.embedded.dir` (default: the repository root). */
  root?: string;
  clock?: Clock;
  bus?: MemoryBusOptions;
}

/** Where the embedded files of a config live. */
export function embeddedPaths(config: RetrainingConfig, opts: { root?: string } = {}): { dir: string; database: string; bucket: string } {
  const { dir, databaseFile, bucketDir } = config.pipeline.embedded;
  const base = path.resolve(opts.root ?? REPO_ROOT, dir);
  return { dir: base, database: path.resolve(base, databaseFile), bucket: path.resolve(base, bucketDir) };
}

/** Open every port of the embedded default. */
export async function openEmbeddedPorts(config: RetrainingConfig, opts: EmbeddedOptions = {}): Promise<Ports> {
  const paths = embeddedPaths(config, opts);
  const logs = new SqliteLogStore(paths.database, { table: config.pipeline.collections.interactionLogs });
  try {
    const clock = opts.clock ?? systemClock;
    return {
      logs,
      artifacts: new FolderArtifactStore(paths.bucket),
      bus: new MemoryMessageBus({ clock, ...opts.bus }),
      records: new SqliteRecordStore(paths.database),
      clock,
    };
  } catch (err) {
    await logs.close();
    throw err;
  }
}
