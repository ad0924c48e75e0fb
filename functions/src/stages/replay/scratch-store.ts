/**
 * The scratch store of a replay: a fresh embedded store (SQLite, folder bucket, in-process bus) in
 * a temporary folder holding a copy of the source's sessions of the replayed period — and nothing
 * else: no version, run, decision or deployment, so a replay starts from no model at its first
 * slot and the real store is never written to. Removed when closed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedPorts } from '../../adapters/embedded/index.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import { closePorts } from '../../adapters/open.ts';
import { clockFrom } from '../../ports/clock.ts';
import type { Ports, RawLog } from '../../ports/index.ts';

/** A scratch store, its movable clock and how to dispose of it. */
export interface ScratchStore {
  ports: Ports;
  clock: ReturnType<typeof clockFrom>;
  /** The policy's config, pointed at the scratch folder. */
  config: RetrainingConfig;
  dir: string;
  /** Sessions copied. */
  copied: number;
  close(): Promise<void>;
}

/** Copy the sessions of `[start, end)` from `source` into a new scratch store. */
export async function openScratchStore(source: Pick<Ports, 'logs'>, config: RetrainingConfig, window: { start: Date; end: Date }): Promise<ScratchStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'retrain-replay-'));
  const scratchConfig: RetrainingConfig = { ...config, pipeline: { ...config.pipeline, embedded: { ...config.pipeline.embedded, dir } } };
  const clock = clockFrom(window.start);
  const ports = await openEmbeddedPorts(scratchConfig, { clock });
  let copied = 0;
  try {
    for await (const page of source.logs.pages({ start: window.start, end: window.end, pageSize: 5000 })) {
      const batch: RawLog[] = page.filter((r) => r.unreadable === undefined).map((r) => ({ id: r.id, data: r.data }));
      if (batch.length) await ports.logs.append(batch);
      copied += batch.length;
    }
  } catch (err) {
    await closePorts(ports);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    ports,
    clock,
    config: scratchConfig,
    dir,
    copied,
    async close() {
      await closePorts(ports);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
