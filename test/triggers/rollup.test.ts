/**
 * The deployed rollup function, its handler run as Cloud Scheduler runs it, against the Firestore
 * emulator that `npm test` starts: interaction logs and rollup documents in Firestore (the cloud
 * adapters), with a folder as the bucket (no Cloud Storage emulator offline) holding two versions,
 * one serving and one a 50 % canary. Checked: the hour and day buckets and the watermark it
 * writes; that those documents come back from Firestore exactly as the embedded (JSON) store keeps
 * the same pass's output; that the deployed readers' numbers from them equal a rescan of the
 * sessions; a redelivered slot; and which errors are thrown for a retry and which only logged.
 * The function reads its config at load: RETRAIN_CONFIG points at one with collection names of
 * this run only (reruns against a long-lived emulator never see old documents).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { logger } from 'firebase-functions/logger';
import { stringify } from 'yaml';
import { closePorts, openPorts } from '../../functions/src/adapters/open.ts';
import { FolderArtifactStore, SqliteRecordStore } from '../../functions/src/adapters/embedded/index.ts';
import { loadConfig } from '../../functions/src/config/load.ts';
import type { RetrainingConfig } from '../../functions/src/config/schema.ts';
import { fixedClock } from '../../functions/src/ports/clock.ts';
import type { Ports, RawLog, StoredRecord } from '../../functions/src/ports/index.ts';
import { setPortsFactory } from '../../functions/src/runtime/cloud-ports.ts';
import { resetRuntimeConfig } from '../../functions/src/runtime/config.ts';
import { openModelServer } from '../../functions/src/serving/open-server.ts';
import { ConflictError, TransientError } from '../../functions/src/shared/errors.ts';
import type { LogEvent } from '../../functions/src/shared/logger.ts';
import { simulateToSink } from '../../functions/src/simulate/run.ts';
import { decide } from '../../functions/src/stages/decide/decide.ts';
import { deploy } from '../../functions/src/stages/deploy/deploy.ts';
import { LIVE_FROM_ROLLUPS, liveMetrics, type LiveMetricsOptions } from '../../functions/src/stages/monitor/live-metrics.ts';
import { rollupPass } from '../../functions/src/stages/rollup/rollup-pass.ts';
import { HOUR_MS, ROLLUP_STATE_ID, RollupBucketSchema, RollupStateSchema, dayId, hourId, type RollupBucket } from '../../functions/src/stages/rollup/rollup-schema.ts';
import { readBucket, writeBucket } from '../../functions/src/stages/rollup/rollup-store.ts';
import { runFullRetrain } from '../../functions/src/stages/train/full.ts';
import { seedLogs } from '../stages/pipeline/fixtures.ts';
import { makeCsv } from '../stages/train/fixtures.ts';

const SKIP = process.env.FIRESTORE_EMULATOR_HOST ? false : 'FIRESTORE_EMULATOR_HOST is not set: run `npm test` (it starts the Firestore emulator)';

/** The slots the scheduler fires (`5 * * * *`). */
const SLOT = '2026-03-02T18:05:00.000Z';
const NEXT = '2026-03-02T19:05:00.000Z';
const LATER = '2026-03-02T20:05:00.000Z';
const actor = { kind: 'cli', id: 'tester' } as const;

const dir = mkdtempSync(path.join(tmpdir(), 'rollup-fn-'));
const tag = randomBytes(3).toString('hex');
const configFile = path.join(dir, 'retraining.yaml');
writeFileSync(
  configFile,
  stringify({
    pipeline: {
      projectId: process.env.GCLOUD_PROJECT ?? 'demo-adaptive-ui',
      collections: { interactionLogs: `interaction_logs_${tag}`, runs: `retraining_runs_${tag}`, decisions: `trigger_decisions_${tag}`, deployments: `deployments_${tag}`, liveRollups: `live_rollups_${tag}` },
    },
    strategies: { full: { hyperparameterTuning: false } },
    training: { rounds: 4, maxDepth: 3, workers: 1 },
    validation: { qualityChecks: { minSamples: 50 } },
    serving: { stateRefreshSeconds: 0 },
    // A first pass rolls up 3 days (not 35): fewer emulator round trips, the same code path.
    monitoring: { rollups: { initialDays: 3 } },
  }),
);
process.env.RETRAIN_CONFIG = configFile;
resetRuntimeConfig();
const { rollup } = await import('../../functions/src/triggers/rollup.ts');
const config: RetrainingConfig = loadConfig(configFile).config;
const collection = config.pipeline.collections.liveRollups;

after(() => {
  delete process.env.RETRAIN_CONFIG;
  rmSync(dir, { recursive: true, force: true });
});

/** The events the function logs (the firebase-functions logger, as Cloud Logging receives them). */
function captureLog(): { events: LogEvent[]; restore(): void } {
  const events: LogEvent[] = [];
  const m = mock.method(logger, 'write', (e: LogEvent) => void events.push(e));
  return { events, restore: () => m.mock.restore() };
}

/** Run the deployed handler for a slot, with its logged events. */
async function fire(scheduleTime: string): Promise<LogEvent[]> {
  const log = captureLog();
  try {
    await rollup.run({ scheduleTime, jobName: 'firebase-schedule-rollup' });
  } finally {
    log.restore();
  }
  return log.events;
}

/** Every record of a collection by id. */
async function byId(records: Ports['records'], name: string): Promise<Map<string, StoredRecord>> {
  return new Map((await records.list(name)).map((r) => [r.id, r] as const));
}

/** Hours [start, end) as instants. */
function hours(start: string, end: string): Date[] {
  const out: Date[] = [];
  for (let t = Date.parse(start); t < Date.parse(end); t += HOUR_MS) out.push(new Date(t));
  return out;
}

describe('rollup function', () => {
  it('is scheduled at monitoring.rollups.schedule in the pipeline time zone, with retries, 1 GiB and 540 s', () => {
    const endpoint = (rollup as unknown as { __endpoint: { scheduleTrigger: { schedule: string; timeZone: string; retryConfig?: { retryCount?: number; minBackoffSeconds?: number } }; region: string[]; availableMemoryMb: number; timeoutSeconds: number } }).__endpoint;
    assert.equal(endpoint.scheduleTrigger.schedule, '5 * * * *');
    assert.equal(endpoint.scheduleTrigger.schedule, config.monitoring.rollups.schedule);
    assert.equal(endpoint.scheduleTrigger.timeZone, config.pipeline.timeZone);
    assert.equal(endpoint.scheduleTrigger.retryConfig?.retryCount, 3);
    assert.equal(endpoint.scheduleTrigger.retryConfig?.minBackoffSeconds, 60);
    assert.deepEqual(endpoint.region, [config.pipeline.region]);
    assert.equal(endpoint.availableMemoryMb, 1024);
    assert.equal(endpoint.timeoutSeconds, 540);
  });

  describe('on the Firestore emulator, with a folder as the bucket', { skip: SKIP }, () => {
    let ports: Ports;
    let clock: ReturnType<typeof fixedClock>;
    let v1: string;
    let v2: string;
    let first: Map<string, StoredRecord>;

    /** One day of sessions served through the real serving path as the store's state is now. */
    async function serveDay(day: string, seed: number): Promise<void> {
      const { server } = openModelServer(ports, config, { actor });
      const snap = await server.snapshot();
      await simulateToSink(ports.logs, { users: 60, sessionsPerDay: 4, days: 1, startDate: day, seed }, { serve: (u, ctx) => server.serve(snap, u, ctx) });
    }

    before(async () => {
      clock = fixedClock('2026-02-28T23:00:00Z');
      const cloud = await openPorts(config, { backend: 'cloud' });
      ports = { ...cloud, artifacts: new FolderArtifactStore(path.join(dir, 'bucket')), clock };
      // The default stylesheet for everyone on 02-28; v1 (made current by its training) on 03-01;
      // v2 a 50 % canary from 03-02.
      await seedLogs(ports, { startDate: '2026-02-28', days: 1, users: 15, sessionsPerDay: 2, seed: 3 });
      v1 = (await runFullRetrain(ports, config, { dataPath: 'datasets/rollup-fn/v1.csv', dataBytes: Buffer.from(makeCsv({ rows: 250, seed: 1 })), runId: 'run_rollup_v1', configHash: 'test' })).model_version!;
      assert.ok(v1);
      await serveDay('2026-03-01', 31);
      clock.set('2026-03-02T00:00:00Z');
      v2 = (await runFullRetrain(ports, config, { dataPath: 'datasets/rollup-fn/v2.csv', dataBytes: Buffer.from(makeCsv({ rows: 250, seed: 2 })), runId: 'run_rollup_v2', configHash: 'test', promoteFirst: false })).model_version!;
      assert.ok(v2 && v2 !== v1);
      await deploy(ports, config, { version: v2, strategy: 'canary', percentage: 50, actor, deploymentId: 'dep_canary_v2' });
      await serveDay('2026-03-02', 32);

      // Bad input the pass must count exactly once: the same sessions written twice (a retried
      // write under a new document id) and documents failing the log schema.
      const extra: RawLog[] = [];
      let i = 0;
      for await (const page of ports.logs.pages({ start: new Date('2026-03-01T00:00:00Z'), end: new Date(SLOT) })) {
        for (const raw of page) {
          const k = i++;
          if (k % 11 === 0) extra.push({ id: `${raw.id}_retry`, data: raw.data });
          if (k % 97 === 5) {
            const d = structuredClone(raw.data) as Record<string, any>;
            const kind = extra.length % 3;
            if (kind === 0) delete d.context;
            else if (kind === 1) d.context.viewport_width = -1;
            else d.schema_version = 1;
            extra.push({ id: `${raw.id}_bad`, data: { ...d, session_id: `${d.session_id}_bad` } });
          }
        }
      }
      await ports.logs.append(extra);

      clock.set('2026-03-02T18:05:03Z');
      await setPortsFactory(async () => ports);
    });

    after(async () => {
      await setPortsFactory(null);
      if (ports) await closePorts(ports);
    });

    it('writes an hour bucket for every hour since initialDays back, the day buckets summing them, and the watermark at the slot', async () => {
      const events = await fire(SLOT);
      assert.deepEqual(events.filter((e) => e.severity === 'ERROR'), []);
      const done = events.find((e) => e.event === 'stage_completed' && e.pass === 'rollup');
      assert.ok(done, JSON.stringify(events.map((e) => e.event)));

      first = await byId(ports.records, collection);
      const state = RollupStateSchema.parse(first.get(ROLLUP_STATE_ID)?.data);
      assert.equal(state.watermark, SLOT);
      assert.equal(state.passes, 1);
      assert.deepEqual(state.tracked.map((t) => t.version), [v1, v2].sort());

      // A first pass: initialDays (3) before the slot, and the drift horizon (windowDays, 7) for the two serving versions.
      const expectedHours = hours('2026-02-23T18:00:00Z', '2026-03-02T19:00:00Z').map(hourId);
      const expectedDays = hours('2026-02-23T00:00:00Z', '2026-03-03T00:00:00Z').filter((d) => d.getUTCHours() === 0).map(dayId);
      assert.deepEqual([...first.keys()].sort(), [...expectedHours, ...expectedDays, ROLLUP_STATE_ID].sort());
      const buckets = bucketsOf(first);
      const hour = (id: string) => buckets.find((b) => b.kind === 'hour' && hourId(new Date(b.start)) === id)!;
      const day = (id: string) => buckets.find((b) => b.kind === 'day' && dayId(new Date(b.start)) === id)!;
      // The hour in progress holds what was stored before the slot; complete hours were read past their end.
      assert.equal(hour('hour_2026-03-02T18').readUntil, SLOT);
      assert.equal(hour('hour_2026-03-02T17').readUntil, '2026-03-02T18:00:00.000Z');
      assert.equal(day('day_2026-03-01').hours, 24);
      assert.equal(day('day_2026-03-02').hours, 19);
      assert.equal(day('day_2026-03-01').read, buckets.filter((b) => b.kind === 'hour' && b.start.startsWith('2026-03-01')).reduce((s, b) => s + b.read, 0));
      // Every document of the window is in exactly one hour: the buckets' reads are the store's count.
      const count = await ports.logs.count({ start: new Date('2026-02-23T18:00:00Z'), end: new Date(SLOT), minSessionDurationMs: config.dataCollection.minSessionDurationMs });
      assert.equal(buckets.filter((b) => b.kind === 'hour').reduce((s, b) => s + b.read, 0), count);

      // What the day of the canary holds: default, current and canary groups, drift through both versions.
      const d2 = day('day_2026-03-02');
      assert.deepEqual([...new Set(d2.groups.map((g) => `${g.version}/${g.variant}`))].sort(), [`${v1}/current`, `${v2}/canary`].sort());
      assert.ok(day('day_2026-02-28').groups.every((g) => g.version === null && g.variant === 'default'));
      assert.deepEqual(d2.drift.map((d) => d.version).sort(), [v1, v2].sort());
      assert.ok(d2.drift.every((d) => d.rows > 0 && Object.values(d.features).some((bins) => bins.some((n) => n > 0))));
      const duplicates = buckets.reduce((s, b) => (b.kind === 'day' ? s + b.duplicates : s), 0);
      assert.ok(duplicates > 20, `${duplicates} duplicates`);
      assert.ok(buckets.some((b) => Object.keys(b.invalid).length > 0), 'invalid documents counted by reason');
      // Hours before the first log: empty buckets (no group), drift sections of zeros.
      const empty = hour('hour_2026-02-25T03');
      assert.deepEqual([empty.read, empty.groups], [0, []]);
      assert.deepEqual(empty.drift.map((d) => d.rows), [0, 0]);
    });

    it('the documents come back from Firestore exactly as the embedded store keeps the same pass: nested counts, arrays, nulls, empty maps, fractional sums', async () => {
      // The same pass (same logs, bucket, clock and slot) into a SQLite record store: JSON in, JSON out.
      const reference = new SqliteRecordStore(path.join(dir, 'reference.sqlite'));
      try {
        await rollupPass({ ...ports, records: reference }, config, { to: new Date(SLOT) });
        const expected = await byId(reference, collection);
        assert.deepEqual([...first.keys()].sort(), [...expected.keys()].sort());
        for (const [id, rec] of expected) assert.deepStrictEqual(first.get(id)!.data, rec.data, id);
      } finally {
        await reference.close();
      }
      const d2 = RollupBucketSchema.parse(first.get('day_2026-03-02')!.data);
      // The shapes that could be lost on the way: a null version, an empty map, fractional sums.
      const seed = RollupBucketSchema.parse(first.get('day_2026-02-28')!.data);
      assert.ok(seed.groups.some((g) => g.version === null));
      assert.ok(d2.groups.some((g) => Object.values(g.vars).some((v) => !Number.isInteger(v.sumError))));
      assert.ok(bucketsOf(first).some((b) => b.read > 0 && Object.keys(b.invalid).length === 0));
      // Size: far below Firestore's 1 MiB per document.
      const largest = Math.max(...[...first.values()].map((r) => JSON.stringify(r.data).length));
      assert.ok(largest < 200_000, `${largest} bytes`);
    });

    it('a bucket is replaced with update({ ifRevision }): a stale revision is refused, the current one replaces every field', async () => {
      const id = 'hour_2026-03-01T12';
      const stored = (await readBucket(ports.records, collection, id))!;
      const changed: RollupBucket = { ...stored.bucket, read: stored.bucket.read + 1, groups: [], invalid: { missing_field: 2 } };
      await assert.rejects(ports.records.update(collection, id, changed, { ifRevision: stored.revision - 1 }), ConflictError);
      assert.deepStrictEqual((await readBucket(ports.records, collection, id))?.bucket, stored.bucket);
      const next = await ports.records.update(collection, id, changed, { ifRevision: stored.revision });
      assert.equal(next.revision, stored.revision + 1);
      assert.deepStrictEqual((await readBucket(ports.records, collection, id))?.bucket, changed);
      // writeBucket (read, compare `readUntil`, update at that revision) puts the pass's bucket back;
      // one read earlier than the stored one is not written.
      assert.equal(await writeBucket(ports.records, collection, id, stored.bucket), true);
      assert.deepStrictEqual((await readBucket(ports.records, collection, id))?.bucket, stored.bucket);
      assert.equal(await writeBucket(ports.records, collection, id, { ...stored.bucket, readUntil: '2026-03-01T12:30:00.000Z', read: 0 }), false);
      const back = (await readBucket(ports.records, collection, id))!;
      assert.deepStrictEqual(back.bucket, stored.bucket);
      assert.equal(back.revision, stored.revision + 2);
    });

    it('what the deployed readers read from the rollups (no refresh) equals a rescan of the sessions in Firestore', async () => {
      const windows: Array<Pick<LiveMetricsOptions, 'start' | 'end' | 'byDay' | 'versions'>> = [
        { start: new Date('2026-02-28T00:00:00Z'), end: new Date(SLOT), byDay: true },
        { start: new Date('2026-03-01T05:30:00Z'), end: new Date('2026-03-02T17:10:00Z'), versions: [v1, v2] },
        { start: new Date('2026-03-02T00:00:00Z'), end: new Date(SLOT), versions: [v2] },
        { start: new Date('2026-02-28T10:00:00Z'), end: new Date('2026-02-28T11:00:00Z'), versions: [null] },
      ];
      for (const w of windows) {
        const a = await liveMetrics(ports, config, { ...w, ...LIVE_FROM_ROLLUPS });
        const b = await liveMetrics(ports, config, { ...w, source: 'rescan' });
        assert.ok(b.counts.read > 0 && b.groups.length > 0, JSON.stringify(w));
        assert.equal(a.source.missingHours, 0);
        assert.deepEqual({ ...a, source: null }, { ...b, source: null });
      }
      const a = await liveMetrics(ports, config, { start: new Date('2026-02-28T00:00:00Z'), end: new Date(SLOT), ...LIVE_FROM_ROLLUPS });
      assert.ok(a.counts.duplicates > 20 && a.counts.invalid > 0);

      // The checker's performance and drift triggers decide the same either way.
      const at = new Date(SLOT);
      const x = await decide(ports, config, { mode: 'check', at, dryRun: true, live: LIVE_FROM_ROLLUPS });
      const y = await decide(ports, config, { mode: 'check', at, dryRun: true, live: { source: 'rescan' } });
      const pick = (d: typeof x.decision) => d.triggers.filter((t) => t.name === 'performance' || t.name === 'drift');
      // The drift trigger reads the drift sections (bins per feature, predicted classes) of the serving version.
      assert.equal(pick(y.decision).find((t) => t.name === 'drift')?.evaluated, true);
      assert.deepEqual(pick(x.decision), pick(y.decision));
    });

    it('a redelivered slot leaves the same documents (the overlap hours rewritten at their next revision)', async () => {
      const before = await byId(ports.records, collection);
      const events = await fire(SLOT);
      assert.deepEqual(events.filter((e) => e.severity === 'ERROR'), []);
      const again = await byId(ports.records, collection);
      assert.deepEqual([...again.keys()].sort(), [...before.keys()].sort());
      for (const [id, rec] of before) if (id !== ROLLUP_STATE_ID) assert.deepStrictEqual(again.get(id)!.data, rec.data, id);
      const state = RollupStateSchema.parse(again.get(ROLLUP_STATE_ID)!.data);
      assert.deepEqual({ ...state, passes: 0 }, { ...RollupStateSchema.parse(before.get(ROLLUP_STATE_ID)!.data), passes: 0 });
      assert.equal(state.passes, 2);
      // Rebuilt: the overlap (3 h before the watermark) and the hour in progress, and their day.
      const rewritten = [...again].filter(([id, r]) => r.revision !== before.get(id)!.revision).map(([id]) => id).sort();
      assert.deepEqual(rewritten, ['day_2026-03-02', 'hour_2026-03-02T15', 'hour_2026-03-02T16', 'hour_2026-03-02T17', 'hour_2026-03-02T18', ROLLUP_STATE_ID]);
    });

    it('a transient error is thrown for the scheduler to retry, nothing is committed; the retry succeeds', async () => {
      const real = ports.logs.pages;
      ports.logs.pages = async function* () {
        throw new TransientError('Reading logs: Firestore unavailable (14 UNAVAILABLE)', { stage: 'storage' });
      };
      let events: LogEvent[] = [];
      try {
        const log = captureLog();
        try {
          await assert.rejects(async () => await rollup.run({ scheduleTime: NEXT, jobName: 'firebase-schedule-rollup' }), TransientError);
        } finally {
          log.restore();
          events = log.events;
        }
      } finally {
        ports.logs.pages = real;
      }
      assert.equal(events.filter((e) => e.event === 'stage_failed').length, 0);
      assert.equal(RollupStateSchema.parse((await ports.records.get(collection, ROLLUP_STATE_ID))!.data).watermark, SLOT);

      clock.set('2026-03-02T19:05:40Z');
      assert.deepEqual((await fire(NEXT)).filter((e) => e.severity === 'ERROR'), []);
      assert.equal(RollupStateSchema.parse((await ports.records.get(collection, ROLLUP_STATE_ID))!.data).watermark, NEXT);
    });

    it('a permanent error (a rollup document failing its schema) is logged as stage_failed and not thrown; a rebuild repairs it', async () => {
      const id = 'hour_2026-03-02T18';
      const good = (await ports.records.get(collection, id))!.data;
      // Within the next pass's overlap: the pass must read it, and stops rather than sum a damaged bucket.
      await ports.records.set(collection, id, { ...good, read: -1, groups: 'lost' });
      clock.set('2026-03-02T20:05:02Z');
      const events = await fire(LATER);
      const failed = events.filter((e) => e.event === 'stage_failed');
      assert.equal(failed.length, 1, JSON.stringify(events));
      assert.equal(failed[0].stage, 'monitor');
      assert.equal(failed[0].severity, 'ERROR');
      assert.equal(failed[0].transient, false);
      assert.equal(failed[0].scheduleTime, LATER);
      assert.equal((failed[0].error as { code?: string }).code, 'ROLLUP_INVALID');
      assert.match(String(failed[0].message), new RegExp(`${collection}/${id} fails its schema`));
      assert.equal(RollupStateSchema.parse((await ports.records.get(collection, ROLLUP_STATE_ID))!.data).watermark, NEXT);

      // `retrain rollup --rebuild` over the damaged hour; the next slot then goes through.
      await rollupPass(ports, config, { rebuild: true, from: new Date('2026-03-02T18:00:00Z'), to: new Date(LATER) });
      assert.ok(RollupBucketSchema.safeParse((await ports.records.get(collection, id))!.data).success);
      assert.deepEqual((await fire(LATER)).filter((e) => e.severity === 'ERROR'), []);
      const w = await liveMetrics(ports, config, { start: new Date('2026-03-02T00:00:00Z'), end: new Date(LATER), ...LIVE_FROM_ROLLUPS });
      const r = await liveMetrics(ports, config, { start: new Date('2026-03-02T00:00:00Z'), end: new Date(LATER), source: 'rescan' });
      assert.deepEqual({ ...w, source: null }, { ...r, source: null });
    });
  });
});

/** The bucket documents of a collection listing. */
function bucketsOf(records: Map<string, StoredRecord>): RollupBucket[] {
  return [...records.values()].filter((r) => r.id !== ROLLUP_STATE_ID).map((r) => RollupBucketSchema.parse(r.data));
}
