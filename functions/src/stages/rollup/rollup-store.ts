/**
 * Reading and writing rollup documents on the record port. Every document read is checked against
 * its schema: one that fails stops the caller with an error naming the document and the field,
 * since summing a damaged bucket would silently skew every verdict. A bucket is replaced only by
 * one read at least as late (`readUntil`), with the record's revision as precondition, so two
 * passes racing leave the later read in place whatever order their writes land in.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { RecordStore } from '../../ports/index.ts';
import { ConflictError, DataError } from '../../shared/errors.ts';
import { formatIssues } from '../../shared/format-issues.ts';
import { ROLLUP_STATE_ID, RollupBucketSchema, RollupStateSchema, type RollupBucket, type RollupState } from './rollup-schema.ts';

/** Documents fetched at once. */
const READ_CONCURRENCY = 32;

/** The rollup collection of a config. */
export function rollupCollection(config: RetrainingConfig): string {
  return config.pipeline.collections.liveRollups;
}

function damaged(collection: string, id: string, issues: string[]): DataError {
  return new DataError(`rollup document ${collection}/${id} fails its schema (${issues.slice(0, 3).join('; ')}); rebuild it with \`retrain rollup --rebuild\``, {
    stage: 'monitor',
    code: 'ROLLUP_INVALID',
    details: { collection, id, issues },
  });
}

/** A bucket and its revision, or null when missing; DataError when it fails its schema. */
export async function readBucket(records: RecordStore, collection: string, id: string): Promise<{ bucket: RollupBucket; revision: number } | null> {
  const rec = await records.get(collection, id);
  if (!rec) return null;
  const parsed = RollupBucketSchema.safeParse(rec.data);
  if (!parsed.success) throw damaged(collection, id, formatIssues(parsed.error.issues));
  return { bucket: parsed.data, revision: rec.revision };
}

/**
 * Buckets by id (missing ones absent from the map), read a few at a time. A damaged one stops the
 * read, unless `skipDamaged` (a rebuild, which replaces it): then it is left out like a missing one.
 */
export async function readBuckets(records: RecordStore, collection: string, ids: readonly string[], opts: { skipDamaged?: boolean } = {}): Promise<Map<string, RollupBucket>> {
  const out = new Map<string, RollupBucket>();
  const read = (id: string) => readBucket(records, collection, id).catch((err) => (opts.skipDamaged && err instanceof DataError ? null : Promise.reject(err)));
  for (let i = 0; i < ids.length; i += READ_CONCURRENCY) {
    const got = await Promise.all(ids.slice(i, i + READ_CONCURRENCY).map(async (id) => [id, await read(id)] as const));
    for (const [id, b] of got) if (b) out.set(id, b.bucket);
  }
  return out;
}

/**
 * Write a bucket unless the stored one was read later; true when written. Retries a lost race
 * (the other writer's bucket is re-read and compared), so the newest read always ends up stored.
 */
export async function writeBucket(records: RecordStore, collection: string, id: string, bucket: RollupBucket): Promise<boolean> {
  for (;;) {
    const stored = await readBucket(records, collection, id).catch((err) => {
      // A damaged bucket is replaced by a fresh fold of the same span: that is what a rebuild does.
      if (err instanceof DataError) return 'damaged' as const;
      throw err;
    });
    try {
      if (stored === null) {
        await records.create(collection, id, bucket);
        return true;
      }
      if (stored !== 'damaged' && stored.bucket.readUntil > bucket.readUntil) return false;
      if (stored === 'damaged') await records.set(collection, id, bucket);
      else await records.update(collection, id, bucket, { ifRevision: stored.revision });
      return true;
    } catch (err) {
      if (err instanceof ConflictError) continue;
      throw err;
    }
  }
}

/** The state, or null before the first pass; DataError when it fails its schema. */
export async function readState(records: RecordStore, collection: string): Promise<{ state: RollupState; revision: number } | null> {
  const rec = await records.get(collection, ROLLUP_STATE_ID);
  if (!rec) return null;
  const parsed = RollupStateSchema.safeParse(rec.data);
  if (!parsed.success) throw damaged(collection, ROLLUP_STATE_ID, formatIssues(parsed.error.issues));
  return { state: parsed.data, revision: rec.revision };
}

/**
 * Commit a pass: the watermark only moves forward, tracked versions are merged (the earliest
 * `from` of a version wins only when both passes covered it), with the revision as precondition.
 */
export async function commitState(records: RecordStore, collection: string, next: RollupState): Promise<RollupState> {
  for (;;) {
    // A damaged state reaches here only in a rebuild (every other pass stops on reading it): replace it.
    const stored = await readState(records, collection).catch((err) => (err instanceof DataError ? ('damaged' as const) : Promise.reject(err)));
    if (stored === 'damaged') {
      await records.set(collection, ROLLUP_STATE_ID, next);
      return next;
    }
    const merged: RollupState = stored ? mergeState(stored.state, next) : next;
    try {
      if (!stored) await records.create(collection, ROLLUP_STATE_ID, merged);
      else await records.update(collection, ROLLUP_STATE_ID, merged, { ifRevision: stored.revision });
      return merged;
    } catch (err) {
      if (err instanceof ConflictError) continue;
      throw err;
    }
  }
}

function mergeState(a: RollupState, b: RollupState): RollupState {
  const tracked = new Map(a.tracked.map((t) => [t.version, t]));
  for (const t of b.tracked) {
    const prev = tracked.get(t.version);
    // Two covered spans that touch make one; otherwise the newer pass's span stands.
    if (prev && prev.from <= t.until && t.from <= prev.until) tracked.set(t.version, { version: t.version, from: prev.from < t.from ? prev.from : t.from, until: prev.until > t.until ? prev.until : t.until });
    else tracked.set(t.version, t);
  }
  return {
    ...b,
    // A rebuild under a new log filter sets it; otherwise both agree.
    watermark: a.watermark > b.watermark ? a.watermark : b.watermark,
    tracked: [...tracked.values()].sort((x, y) => x.version.localeCompare(y.version)),
    passes: Math.max(a.passes, b.passes),
  };
}
