/**
 * Every live reader computed both ways on one store — from the rollups, and by a rescan of every
 * session of its window — after incremental passes interleaved with new days, repeated session ids,
 * documents arriving within the overlap and later than it: identical counts, accuracies, intervals,
 * PSIs and verdicts. Readers of the deployed functions (`LIVE_FROM_ROLLUPS`) read no log at all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LogStore, RawLog } from '../../../functions/src/ports/log-store.ts';
import { decide } from '../../../functions/src/stages/decide/decide.ts';
import { watchDeployments } from '../../../functions/src/stages/deploy/watch.ts';
import { LIVE_FROM_ROLLUPS, liveMetrics, type LiveRead } from '../../../functions/src/stages/monitor/live-metrics.ts';
import { dashboardData } from '../../../functions/src/stages/report/dashboard-data.ts';
import { rollupPass } from '../../../functions/src/stages/rollup/rollup-pass.ts';
import { readRollupWindow } from '../../../functions/src/stages/rollup/rollup-read.ts';
import { duplicate, liveStore, serveDay, startCanary, type LiveStore } from './live-store.ts';

const ROLLUPS: LiveRead = { source: 'rollups' };
const RESCAN: LiveRead = { source: 'rescan' };
const NOW = new Date('2026-03-04T00:00:00Z');

/** Copies of the documents of [start, end) as new sessions moved by `shiftMs` (written late). */
async function lateSessions(logs: LogStore, start: string, end: string, shiftMs: number, suffix: string, every = 5): Promise<number> {
  const out: RawLog[] = [];
  let i = 0;
  for await (const page of logs.pages({ start: new Date(start), end: new Date(end) })) {
    for (const raw of page) {
      if (i++ % every) continue;
      const d = raw.data as Record<string, unknown>;
      const ts = typeof d.timestamp === 'number' ? d.timestamp : Date.parse(String(d.timestamp));
      out.push({ id: `${raw.id}_${suffix}`, data: { ...d, session_id: `${String(d.session_id)}_${suffix}`, timestamp: new Date(ts + shiftMs).toISOString() } });
    }
  }
  await logs.append(out);
  return out.length;
}

/** The store's log port, counting the pages read through it. */
function countingLogs(logs: LogStore): LogStore & { pagesRead: number; counted: number } {
  const c = {
    pagesRead: 0,
    counted: 0,
    async *pages(q: Parameters<LogStore['pages']>[0]) {
      for await (const p of logs.pages(q)) {
        c.pagesRead += 1;
        yield p;
      }
    },
    count: (q: Parameters<LogStore['count']>[0]) => ((c.counted += 1), logs.count(q)),
    append: (l: RawLog[]) => logs.append(l),
    close: () => logs.close(),
  };
  return c;
}

describe('live readers: rollups vs a rescan of the same store', () => {
  let s: LiveStore;
  before(async () => {
    s = await liveStore();
    const { env } = s;
    await serveDay(env, '2026-03-01', 31);
    await rollupPass(env.ports, env.config, { to: new Date('2026-03-01T18:00:00Z') });
    await serveDay(env, '2026-03-02', 32);
    assert.ok((await duplicate(env, '2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z', 17, 'retry')) > 20);
    await rollupPass(env.ports, env.config, { to: new Date('2026-03-02T12:00:00Z') });
    await startCanary(s, '2026-03-03T00:00:00Z');
    await serveDay(env, '2026-03-03', 33);
    await rollupPass(env.ports, env.config, { to: new Date('2026-03-03T06:00:00Z') });
    // Within the overlap (3 h before the watermark): the next pass counts them.
    assert.ok((await lateSessions(env.ports.logs, '2026-03-03T01:00:00Z', '2026-03-03T02:00:00Z', 3 * 3_600_000, 'late')) > 0);
    await rollupPass(env.ports, env.config, { to: NOW });
    // Later than the overlap, after the watermark passed them: only a check of the window finds them.
    assert.ok((await lateSessions(env.ports.logs, '2026-03-01T09:00:00Z', '2026-03-01T10:00:00Z', 3_600_000, 'very_late')) > 0);
    await rollupPass(env.ports, env.config, { to: NOW });
  });
  after(() => s?.env.close());

  const windows = [
    { name: 'three days by day', start: '2026-03-01T00:00:00Z', end: '2026-03-04T00:00:00Z', byDay: true },
    { name: 'mid-hour edges, both versions', start: '2026-03-01T05:30:00Z', end: '2026-03-03T20:10:00Z', versions: 'both' },
    { name: 'the canary day, canary only', start: '2026-03-03T00:00:00Z', end: '2026-03-04T00:00:00Z', versions: 'v2' },
    { name: 'one hour', start: '2026-03-02T13:00:00Z', end: '2026-03-02T14:00:00Z' },
  ] as const;
  for (const w of windows) {
    it(`liveMetrics: ${w.name}`, async () => {
      const versions = 'versions' in w ? (w.versions === 'both' ? [s.v1, s.v2] : [s.v2]) : undefined;
      const opts = { start: new Date(w.start), end: new Date(w.end), byDay: 'byDay' in w ? w.byDay : false, versions };
      const a = await liveMetrics(s.env.ports, s.env.config, { ...opts, ...ROLLUPS });
      const b = await liveMetrics(s.env.ports, s.env.config, { ...opts, ...RESCAN });
      assert.ok(b.counts.read > 0 && b.groups.length > 0);
      assert.equal(a.source.missingHours, 0);
      assert.deepEqual({ ...a, source: null }, { ...b, source: null });
    });
  }

  it('the window counts include the invalid, repeated and late documents', async () => {
    const m = await liveMetrics(s.env.ports, s.env.config, { start: new Date('2026-03-01T00:00:00Z'), end: NOW });
    assert.ok(m.counts.invalid > 0, 'malformed documents counted');
    assert.ok(m.counts.duplicates > 20, 'retried writes counted once');
    assert.ok(Object.values(m.counts.unscored).reduce((a, b) => a + b, 0) > 0);
  });

  it('the performance and drift triggers decide the same from rollups and from a rescan', async () => {
    const a = await decide(s.env.ports, s.env.config, { mode: 'check', at: NOW, dryRun: true, live: ROLLUPS });
    const b = await decide(s.env.ports, s.env.config, { mode: 'check', at: NOW, dryRun: true, live: RESCAN });
    const pick = (d: typeof a.decision) => d.triggers.filter((t) => t.name === 'performance' || t.name === 'drift');
    const [perf, drift] = pick(b.decision);
    assert.equal(perf.evaluated, true, perf.reason);
    assert.equal(drift.evaluated, true, drift.reason);
    assert.ok((drift.values.sessions as number) > 1000);
    assert.deepEqual(pick(a.decision), pick(b.decision));
    assert.deepEqual(a.decision.reasons, b.decision.reasons);
  });

  it('the canary watcher reaches the same verdict on the same numbers', async () => {
    const at = new Date('2026-03-03T12:00:00Z');
    const b = await watchDeployments(s.env.ports, s.env.config, { now: at, live: RESCAN });
    const a = await watchDeployments(s.env.ports, s.env.config, { now: at, live: ROLLUPS });
    assert.equal(b.decisions[0].verdict, 'wait', b.decisions[0].reason);
    assert.ok(b.decisions[0].comparison!.candidate.scored > 100);
    assert.deepEqual(a, b);
  });

  it('the dashboard data are identical', async () => {
    const a = await dashboardData(s.env.ports, s.env.config, { now: NOW, trendDays: 5, live: ROLLUPS });
    const b = await dashboardData(s.env.ports, s.env.config, { now: NOW, trendDays: 5, live: RESCAN });
    assert.ok(b.performance_trends.liveAccuracy.points.length >= 4);
    assert.deepEqual(a, b);
  });

  it('a window read from rollups a pass left mid-hour says so, and which hours were never rolled up', async () => {
    const config = { ...s.env.config, pipeline: { ...s.env.config.pipeline, collections: { ...s.env.config.pipeline.collections, liveRollups: 'rollups_partial' } } };
    await rollupPass(s.env.ports, config, { to: new Date('2026-03-02T10:30:00Z'), initialFrom: new Date('2026-03-02T00:00:00Z') });
    const m = await liveMetrics(s.env.ports, config, { start: new Date('2026-03-02T00:00:00Z'), end: new Date('2026-03-02T13:00:00Z'), ...LIVE_FROM_ROLLUPS });
    assert.deepEqual(m.source, { kind: 'rollups', missingHours: 2, partialHours: 1 });
    const full = await liveMetrics(s.env.ports, s.env.config, { start: new Date('2026-03-02T00:00:00Z'), end: new Date('2026-03-02T13:00:00Z'), ...LIVE_FROM_ROLLUPS });
    assert.deepEqual(full.source, { kind: 'rollups', missingHours: 0, partialHours: 0 });
  });

  it('a reader of the deployed functions reads rollup documents only, a few dozen for 30 days', async () => {
    const logs = countingLogs(s.env.ports.logs);
    const ports = { ...s.env.ports, logs };
    const m = await liveMetrics(ports, s.env.config, { start: new Date('2026-02-02T00:00:00Z'), end: NOW, byDay: true, ...LIVE_FROM_ROLLUPS });
    await decide(ports, s.env.config, { mode: 'check', at: NOW, dryRun: true, live: LIVE_FROM_ROLLUPS });
    await dashboardData(ports, s.env.config, { now: NOW, trendDays: 30, live: LIVE_FROM_ROLLUPS });
    assert.equal(logs.pagesRead, 0);
    assert.ok(m.groups.length > 0);
    const w = await readRollupWindow(s.env.ports.records, s.env.config, new Date('2026-02-02T00:00:00Z'), NOW);
    assert.ok(w.documentsRead <= 31 + 48, `${w.documentsRead} documents for 30 days`);
  });
});
