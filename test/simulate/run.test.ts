import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogSink, RawLog } from '../../functions/src/ports/log-store.ts';
import { simulateLogs } from '../../functions/src/simulate/generate.ts';
import { simulateToSink } from '../../functions/src/simulate/run.ts';

/** The smallest LogSink: an array, replacing documents by id like the real stores. */
function memorySink(): LogSink & { docs: Map<string, unknown>; batches: number[] } {
  const docs = new Map<string, unknown>();
  const batches: number[] = [];
  return {
    docs,
    batches,
    async append(logs: RawLog[]) {
      batches.push(logs.length);
      for (const l of logs) docs.set(l.id, l.data);
    },
  };
}

describe('simulateToSink', () => {
  const opts = { users: 50, sessionsPerDay: 3, days: 4, startDate: '2026-02-01', seed: 9, badLogRate: 0.02 };

  it('writes every document in batches of the given size and reports progress up to the total', async () => {
    const sink = memorySink();
    const progress: Array<[number, number]> = [];
    const summary = await simulateToSink(sink, opts, { batchSize: 100, onProgress: (w, t) => progress.push([w, t]) });
    assert.equal(summary.logsWritten, 600);
    assert.equal(sink.docs.size, 600);
    assert.deepEqual(sink.batches, [100, 100, 100, 100, 100, 100]);
    assert.deepEqual(progress.at(-1), [600, 600]);
    assert.deepEqual([...sink.docs.keys()], [...simulateLogs(opts)].map((l) => l.id));
  });

  it('summarises the run: counts, time range, drift', async () => {
    const summary = await simulateToSink(memorySink(), { ...opts, drift: { from: '2026-02-03', contextShift: 0.5 } }, { batchSize: 64 });
    assert.equal(summary.days, 4);
    assert.equal(summary.users, 50);
    assert.ok(summary.badLogs > 0);
    assert.equal(Object.values(summary.badLogsByKind).reduce((a, b) => a + (b ?? 0), 0), summary.badLogs);
    assert.equal(summary.driftedSessions, 300);
    assert.ok(summary.firstTimestamp! >= '2026-02-01T00:00:00.000Z' && summary.lastTimestamp! < '2026-02-05T00:00:00.000Z');
    assert.deepEqual(summary.drift, { from: '2026-02-03', contextShift: 0.5, preferenceShift: 0 });
  });

  it('a re-run with the same seed rewrites the same ids (idempotent)', async () => {
    const sink = memorySink();
    await simulateToSink(sink, opts);
    const first = new Map(sink.docs);
    await simulateToSink(sink, opts);
    assert.equal(sink.docs.size, first.size);
    assert.deepEqual(sink.docs, first);
  });
});
