/**
 * A rollup pass (the hourly `rollup` function, `retrain rollup`, and every embedded live reader
 * before it reads): fold the logs written since the watermark into hour buckets, re-summing the
 * day buckets they belong to, then move the watermark.
 *
 * Exactly once, by construction rather than by bookkeeping: a pass rebuilds each hour it touches
 * from all of that hour's documents (the `overlapHours` before the watermark included, so a
 * document written up to that late is still counted) and replaces the stored bucket, so a crash
 * anywhere, a redelivery or two racing passes leave what one clean pass leaves. The watermark is
 * written last. A document arriving later than the overlap is picked up by `verify` (the embedded
 * readers check the window they read: a bucket whose count differs from the store's is rebuilt)
 * or by `--rebuild`.
 *
 * Drift sections: each hour carries, for every version serving when it was rolled (current and
 * canary), the traffic on that version's frozen reference bins and its predicted classes. A version
 * newly serving is backfilled over the drift horizon (`triggers.dataVolume.windowDays`) once.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { readBundle } from '../../models/bundle.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { LogQuery, Ports } from '../../ports/index.ts';
import { ConfigError, DataError, describeError } from '../../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { BucketFolder, type BucketBody, type DriftRef } from './fold.ts';
import { sumBodies } from './merge.ts';
import { DAY_MS, HOUR_MS, ROLLUP_SCHEMA_VERSION, dayId, floorDay, floorHour, hourId, type RollupBucket, type RollupState } from './rollup-schema.ts';
import { commitState, readBuckets, readState, rollupCollection, writeBucket } from './rollup-store.ts';

/** Options of a pass. */
export interface RollupPassOptions {
  /** Roll up to this instant (default the clock's now); the watermark moves here. */
  to?: Date;
  /** With `rebuild`: rebuild from here (default `monitoring.rollups.initialDays` back). */
  from?: Date;
  /**
   * A first pass (no watermark yet) starts here rather than `initialDays` back: a reader rolls up
   * only its own window; hours before it are rolled up by the check of a later, wider window.
   */
  initialFrom?: Date;
  /** Rebuild every hour of [from, to) whatever the watermark. */
  rebuild?: boolean;
  /** Also keep drift sections for these versions, backfilled from `trackFrom`. */
  track?: readonly string[];
  /** Start of the backfill of a newly tracked version (default `to` − the drift horizon). */
  trackFrom?: Date;
  /** Compare these hours' buckets with the store's counts and rebuild those that differ. */
  verify?: { start: Date; end: Date };
  log?: PipelineLogger;
  /** Called after each hour bucket is written, with the hours planned. */
  progress?: (hoursDone: number, hoursTotal: number) => void;
}

/** What a pass did. */
export interface RollupPassResult {
  from: string | null;
  to: string;
  watermark: string;
  /** Hours rebuilt, documents read, buckets written (hours + days), hours rebuilt because their count differed. */
  hours: number;
  read: number;
  written: number;
  verified: number;
  stale: number;
  tracked: RollupState['tracked'];
  /** Versions whose bundle could not be loaded: no drift section for them (why). */
  skippedVersions: Record<string, string>;
  durationMs: number;
}

const iso = (d: Date) => d.toISOString();

/** Hours [start, end) as instants. */
function hoursOf(start: Date, end: Date): number[] {
  const out: number[] = [];
  for (let t = floorHour(start).getTime(); t < end.getTime(); t += HOUR_MS) out.push(t);
  return out;
}

/** Loads each tracked version's reference and class models once per pass. */
class RefCache {
  readonly #ports: Pick<Ports, 'artifacts'>;
  readonly #prefix: string;
  readonly #refs = new Map<string, Promise<DriftRef | null>>();
  readonly skipped: Record<string, string> = {};

  constructor(ports: Pick<Ports, 'artifacts'>, prefix: string) {
    this.#ports = ports;
    this.#prefix = prefix;
  }

  get(version: string): Promise<DriftRef | null> {
    let p = this.#refs.get(version);
    if (!p) this.#refs.set(version, (p = this.#load(version)));
    return p;
  }

  async #load(version: string): Promise<DriftRef | null> {
    try {
      const manifest = await new ModelRegistry(this.#ports.artifacts, this.#prefix).manifest(version);
      const bundle = await readBundle(this.#ports.artifacts, this.#prefix, version, manifest);
      const targets = bundle.labels.targets.filter((t) => t.kind === 'class');
      return { version, reference: bundle.reference, bundle: { scaler: bundle.scaler, boosters: bundle.boosters, labels: { ...bundle.labels, targets } } };
    } catch (err) {
      this.skipped[version] = describeError(err);
      return null;
    }
  }
}

/** Versions serving now (stable and canary); none when the pointer is missing or unreadable. */
async function servingVersions(ports: Pick<Ports, 'artifacts'>, config: RetrainingConfig): Promise<string[]> {
  const read = await new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix).readServingState().catch(() => null);
  const p = read?.pointer;
  return p ? [p.version, ...(p.canary ? [p.canary.version] : [])] : [];
}

/** Run one pass. */
export async function rollupPass(ports: Pick<Ports, 'logs' | 'records' | 'artifacts' | 'clock'>, config: RetrainingConfig, opts: RollupPassOptions = {}): Promise<RollupPassResult> {
  const began = Date.now();
  const log = opts.log ?? createLogger(silentSink);
  const collection = rollupCollection(config);
  const cfg = config.monitoring.rollups;
  const minMs = config.dataCollection.minSessionDurationMs;
  const to = opts.to ?? ports.clock.now();
  // A rebuild keeps the drift coverage it does not touch; a damaged state is what it replaces.
  const stored = await readState(ports.records, collection).catch((err) => (opts.rebuild && err instanceof DataError ? null : Promise.reject(err)));
  if (stored && stored.state.minSessionDurationMs !== minMs && !opts.rebuild) {
    throw new ConfigError(
      `the rollups were built with dataCollection.minSessionDurationMs ${stored.state.minSessionDurationMs}, the config says ${minMs}: rebuild them with \`retrain rollup --rebuild\``,
      { key: 'dataCollection.minSessionDurationMs', rollups: stored.state.minSessionDurationMs, config: minMs },
    );
  }
  const initial = opts.initialFrom ?? new Date(to.getTime() - cfg.initialDays * DAY_MS);
  const mainFrom = floorHour(opts.rebuild ? (opts.from ?? initial) : stored ? new Date(Date.parse(stored.state.watermark) - cfg.overlapHours * HOUR_MS) : initial);

  // Hours to rebuild → the versions each must carry.
  const todo = new Map<number, Set<string>>();
  const need = (t: number, versions: Iterable<string>) => {
    const s = todo.get(t) ?? new Set<string>();
    for (const v of versions) s.add(v);
    todo.set(t, s);
  };
  const trackedNow = [...new Set([...(await servingVersions(ports, config)), ...(opts.track ?? [])])];
  for (const t of hoursOf(mainFrom, to)) need(t, trackedNow);

  const horizon = floorHour(opts.trackFrom ?? new Date(to.getTime() - config.triggers.dataVolume.windowDays * DAY_MS));
  const tracked = new Map((stored?.state.tracked ?? []).map((t) => [t.version, { ...t }]));
  for (const v of trackedNow) {
    const prev = tracked.get(v);
    const coveredFrom = prev ? Date.parse(prev.from) : Infinity;
    const coveredUntil = prev ? floorHour(Date.parse(prev.until)).getTime() : -Infinity;
    for (const t of hoursOf(horizon, new Date(Math.min(mainFrom.getTime(), to.getTime())))) if (t < coveredFrom || t >= coveredUntil) need(t, [v]);
    const from = Math.min(coveredFrom, horizon.getTime(), mainFrom.getTime());
    tracked.set(v, { version: v, from: iso(new Date(Math.min(from, to.getTime()))), until: iso(to) });
  }

  // Verification: hours whose bucket counts a different number of documents than the store holds.
  let verified = 0;
  let stale = 0;
  if (opts.verify) {
    const vEnd = Math.min(opts.verify.end.getTime(), mainFrom.getTime());
    const count = (a: number, b: number) => ports.logs.count({ start: new Date(a), end: new Date(b), minSessionDurationMs: minMs });
    // A day at a time (one count), then hour by hour within the days that differ.
    for (let d = floorDay(opts.verify.start).getTime(); d < vEnd; d += DAY_MS) {
      const hours = hoursOf(new Date(Math.max(d, floorHour(opts.verify.start).getTime())), new Date(Math.min(d + DAY_MS, vEnd))).filter((t) => !todo.has(t));
      if (!hours.length) continue;
      const buckets = await readBuckets(ports.records, collection, hours.map((t) => hourId(new Date(t))));
      const complete = (t: number) => {
        const b = buckets.get(hourId(new Date(t)));
        return b !== undefined && Date.parse(b.readUntil) >= t + HOUR_MS;
      };
      verified += hours.length;
      const sum = hours.reduce((s, t) => s + (buckets.get(hourId(new Date(t)))?.read ?? 0), 0);
      if (hours.every(complete) && sum === (await count(hours[0], hours[hours.length - 1] + HOUR_MS))) continue;
      for (const t of hours) {
        const b = buckets.get(hourId(new Date(t)));
        if (complete(t) && b!.read === (await count(t, t + HOUR_MS))) continue;
        stale += 1;
        need(t, [...trackedNow, ...(b?.drift.map((x) => x.version) ?? [])]);
      }
    }
  }

  // Versions an hour already carries stay (a rebuilt hour never loses a drift section).
  const order = [...todo.keys()].sort((a, b) => a - b);
  const existing = await readBuckets(ports.records, collection, order.map((t) => hourId(new Date(t))), { skipDamaged: opts.rebuild });
  for (const t of order) for (const d of existing.get(hourId(new Date(t)))?.drift ?? []) todo.get(t)!.add(d.version);

  log.stageStarted('monitor', { pass: 'rollup', from: order.length ? iso(new Date(order[0])) : null, to: iso(to), hours: order.length });
  const refs = new RefCache(ports, config.pipeline.layout.modelsPrefix);
  const now = iso(ports.clock.now());
  let read = 0;
  let written = 0;
  let hoursDone = 0;
  const days = new Set<number>();
  // One query per hour (empty hours written too): every document the store returns belongs to
  // that hour by the store's own timestamp — an unreadable one, which has no data to read a
  // timestamp from, included — so a bucket always counts what `logs.count` counts for its hour.
  for (const t of order) {
    const folder = await folderFor(t);
    const query: LogQuery = { start: new Date(t), end: new Date(Math.min(t + HOUR_MS, to.getTime())), minSessionDurationMs: minMs, pageSize: config.dataCollection.pageSize };
    for await (const page of ports.logs.pages(query)) {
      for (const raw of page) folder.add(raw);
      read += page.length;
      log.progress('monitor', { pass: 'rollup', read, hour: iso(new Date(t)) });
    }
    await write(t, folder.finish());
  }

  async function folderFor(t: number): Promise<BucketFolder> {
    const loaded = await Promise.all([...todo.get(t)!].sort().map((v) => refs.get(v)));
    return new BucketFolder(loaded.filter((r): r is DriftRef => r !== null));
  }

  async function write(t: number, body: BucketBody): Promise<void> {
    const start = new Date(t);
    const end = new Date(t + HOUR_MS);
    const bucket: RollupBucket = { schemaVersion: ROLLUP_SCHEMA_VERSION, kind: 'hour', start: iso(start), end: iso(end), readUntil: iso(new Date(Math.min(to.getTime(), end.getTime()))), minSessionDurationMs: minMs, hours: 1, ...body, updatedAt: now };
    if (await writeBucket(ports.records, collection, hourId(start), bucket)) written += 1;
    days.add(floorDay(t).getTime());
    opts.progress?.(++hoursDone, order.length);
  }

  // Day buckets: the sum of their hour buckets as stored now.
  for (const d of [...days].sort((a, b) => a - b)) {
    const ids = hoursOf(new Date(d), new Date(d + DAY_MS)).map((t) => hourId(new Date(t)));
    const hours = [...(await readBuckets(ports.records, collection, ids)).values()];
    const readUntil = hours.reduce((m, h) => (h.readUntil > m ? h.readUntil : m), hours[0].readUntil);
    const day: RollupBucket = { schemaVersion: ROLLUP_SCHEMA_VERSION, kind: 'day', start: iso(new Date(d)), end: iso(new Date(d + DAY_MS)), readUntil, minSessionDurationMs: minMs, hours: hours.length, ...sumBodies(hours), updatedAt: now };
    if (await writeBucket(ports.records, collection, dayId(new Date(d)), day)) written += 1;
  }

  const watermark = stored && stored.state.watermark > iso(to) ? stored.state.watermark : iso(to);
  const state = await commitState(
    ports.records,
    collection,
    { schemaVersion: ROLLUP_SCHEMA_VERSION, watermark, minSessionDurationMs: minMs, tracked: [...tracked.values()].sort((a, b) => a.version.localeCompare(b.version)), passes: (stored?.state.passes ?? 0) + 1, updatedAt: now },
  );
  const result: RollupPassResult = {
    from: order.length ? iso(new Date(order[0])) : null,
    to: iso(to),
    watermark: state.watermark,
    hours: order.length,
    read,
    written,
    verified,
    stale,
    tracked: state.tracked,
    skippedVersions: refs.skipped,
    durationMs: Date.now() - began,
  };
  log.stageCompleted('monitor', result.durationMs, { pass: 'rollup', counts: { hours: result.hours, read, written, stale }, watermark: result.watermark });
  return result;
}
