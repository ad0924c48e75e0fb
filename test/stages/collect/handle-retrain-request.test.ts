import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { LogSource } from '../../../functions/src/ports/index.ts';
import { TransientError } from '../../../functions/src/shared/errors.ts';
import { createLogger, memorySink, type LogEvent } from '../../../functions/src/shared/logger.ts';
import { DatasetReadySchema, RetrainRequestSchema, type RetrainRequestInput } from '../../../functions/src/shared/messages.ts';
import { getRun } from '../../../functions/src/runs/run-record.ts';
import { handleRetrainRequest } from '../../../functions/src/stages/collect/handle-retrain-request.ts';
import { collectStep } from '../../../functions/src/stages/pipeline/collect-step.ts';
import { validLog } from './fixtures.ts';
import { embeddedHarness, type Harness } from './harness.ts';

const REQUEST: RetrainRequestInput = {
  runId: 'run_20261127T020000Z_ab12',
  window: { start: '2026-11-20T00:00:00.000Z', end: '2026-11-27T00:00:00.000Z' },
  reasons: ['data_volume'],
  strategy: 'incremental',
};
const CSV = 'datasets/run_20261127T020000Z_ab12/production_data.csv';
const META = 'datasets/run_20261127T020000Z_ab12/production_data_metadata.json';

let h: Harness;
let events: LogEvent[];
beforeEach(async () => {
  h = await embeddedHarness();
  events = [];
  await h.append(Array.from({ length: 6 }, (_, i) => validLog(`s${i}`, `2026-11-2${i}T12:00:00.000Z`)));
});
afterEach(async () => {
  await h.close();
});

/** The handler receives its message parsed (the collect step is the edge). */
const handle = (message: RetrainRequestInput) => handleRetrainRequest(h.ports, h.config, RetrainRequestSchema.parse(message), { configHash: h.configHash, log: createLogger(memorySink(events)) });

describe('collector handler', () => {
  it('collects the run-scoped dataset and publishes dataset-ready', async () => {
    const out = await handle(REQUEST);
    assert.equal(out.status, 'published');
    assert.equal(h.published.length, 1);
    const msg = DatasetReadySchema.parse(h.published[0].data);
    assert.equal(h.published[0].topic, 'dataset-ready');
    assert.deepEqual(msg, { runId: REQUEST.runId, strategy: 'incremental', csvPath: CSV, metadataPath: META, rows: 6, verdict: 'abort', reasons: msg.reasons, driftDetected: false });
    assert.ok(await h.ports.artifacts.exists(CSV));
    assert.ok(await h.ports.artifacts.exists(META));
    assert.ok(events.some((e) => e.event === 'stage_completed' && e.runId === REQUEST.runId));
  });

  it('on redelivery writes nothing and re-publishes the same message', async () => {
    await handle(REQUEST);
    const csv1 = await h.ports.artifacts.stat(CSV);
    const meta1 = await h.ports.artifacts.stat(META);
    // A late log arrives: a second collection would differ; the completed dataset must not.
    await h.append([validLog('late', '2026-11-26T23:00:00.000Z')]);
    const out = await handle(REQUEST);
    assert.equal(out.status, 'reused');
    assert.deepEqual(await h.ports.artifacts.stat(CSV), csv1);
    assert.deepEqual(await h.ports.artifacts.stat(META), meta1);
    assert.equal(h.published.length, 2);
    assert.deepEqual(h.published[1], h.published[0]);
    assert.equal((await h.ports.artifacts.list('datasets/')).length, 3, 'one dataset: csv, report, metadata');
    assert.ok(events.some((e) => e.event === 'stage_reused'));
  });

  it('two concurrent deliveries of one run leave one complete dataset whose checksum matches', async () => {
    const outcomes = await Promise.allSettled([handle(REQUEST), handle(REQUEST)]);
    const ok = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<any>).value.status);
    const retried = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    assert.ok(ok.includes('published'));
    assert.ok(ok.every((s) => s === 'published' || s === 'reused'), ok.join());
    assert.ok(retried.every((e) => e instanceof TransientError));
    const meta = JSON.parse((await h.ports.artifacts.get(META)).toString());
    const csv = await h.ports.artifacts.get(CSV);
    assert.equal(meta.csv.sha256, createHash('sha256').update(csv).digest('hex'));
  });

  it('replaces a partial CSV left without metadata', async () => {
    await h.ports.artifacts.put(CSV, 'half a csv');
    const out = await handle(REQUEST);
    assert.equal(out.status, 'published');
    assert.match((await h.ports.artifacts.get(CSV)).toString(), /^session_id,timestamp,feature_0,/);
    assert.ok(await h.ports.artifacts.exists(META));
  });

  const badMessages: Array<[string, unknown, RegExp]> = [
    ['not JSON (raw text)', 'hello', /expected object/],
    ['no runId', { ...REQUEST, runId: undefined }, /runId/],
    ['a run id with a slash', { ...REQUEST, runId: '../etc' }, /runId/],
    ['a malformed window', { ...REQUEST, window: { start: 'last week', end: REQUEST.window.end } }, /window\.start/],
    ['an unknown field', { ...REQUEST, bucket: 'x' }, /unknown key|Unrecognized/i],
    ['an unknown strategy', { ...REQUEST, strategy: 'yolo' }, /strategy/],
  ];
  for (const [name, message, re] of badMessages) {
    it(`acknowledges a bad message (${name}) at the edge without retry or output`, async () => {
      const out = await collectStep(h.ports, h.config, message, { log: createLogger(memorySink(events)) });
      assert.equal(out, null);
      assert.equal(h.published.length, 0);
      assert.deepEqual(await h.ports.artifacts.list('datasets/'), []);
      const rejected = events.find((e) => e.event === 'message_rejected' && e.severity === 'ERROR');
      assert.match(String(rejected?.reason), /^Invalid retrain request: /);
      assert.match(String(rejected?.reason), re);
      const runId = (message as { runId?: unknown } | null)?.runId;
      if (typeof runId === 'string' && /^run_/.test(runId)) assert.equal(await getRun(h.ports, runId), null);
    });
  }

  it('returns an empty window as a permanent failure, logged and not thrown', async () => {
    const out = await handle({ ...REQUEST, window: { start: REQUEST.window.end, end: REQUEST.window.start } });
    assert.equal(out.status, 'failed');
    if (out.status === 'failed') assert.equal(out.error.transient, false);
    assert.equal(h.published.length, 0);
    assert.ok(events.some((e) => e.event === 'stage_failed' && e.transient === false));
  });

  it('re-throws a transient error so that Pub/Sub retries, then succeeds on redelivery', async () => {
    const logs = h.ports.logs;
    let fail = true;
    const flaky: LogSource = {
      count: (q) => logs.count(q),
      async *pages(q) {
        if (fail) throw new TransientError('firestore unavailable', { stage: 'storage' });
        yield* logs.pages(q);
      },
    };
    const ports = { ...h.ports, logs: Object.assign(Object.create(logs), flaky) };
    await assert.rejects(handleRetrainRequest(ports, h.config, RetrainRequestSchema.parse(REQUEST), { configHash: h.configHash }), TransientError);
    assert.equal(await h.ports.artifacts.exists(META), false);
    assert.equal(h.published.length, 0);
    fail = false;
    const out = await handleRetrainRequest(ports, h.config, RetrainRequestSchema.parse(REQUEST), { configHash: h.configHash });
    assert.equal(out.status, 'published');
  });

  it('uses the request\'s minimum duration and cap over the config', async () => {
    const out = await handle({ ...REQUEST, maxSamples: 2, minSessionDurationMs: 0 });
    assert.equal(out.status, 'published');
    if (out.status === 'published') assert.equal(out.ready.rows, 2);
  });
});
