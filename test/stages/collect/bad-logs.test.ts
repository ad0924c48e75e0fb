/**
 * Every bad stored document is counted under a reason and none stops the collection: the
 * simulator's malformed documents (a string `session_duration`, no usable timestamp, short ones
 * included) all show up as invalid, and so do a row whose JSON is damaged and a document nested
 * 5,000 levels deep.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { embeddedPaths } from '../../../functions/src/adapters/embedded/index.ts';
import { collect, type CollectOptions } from '../../../functions/src/stages/collect/collect.ts';
import { artifactTarget } from '../../../functions/src/stages/collect/dataset-target.ts';
import { simulateToSink } from '../../../functions/src/simulate/run.ts';
import { validLog } from './fixtures.ts';
import { embeddedHarness, type Harness } from './harness.ts';

/** The reason the collection stage gives each kind of damage the simulator makes. */
const REASON_OF_KIND: Record<string, string> = {
  missing_context: 'missing_field:context',
  bad_timestamp: 'bad_timestamp',
  out_of_range: 'out_of_range:context.viewport_width',
  wrong_type: 'invalid_type:session_duration',
  old_schema_version: 'wrong_schema_version',
  not_an_object: 'not_an_object',
};

let h: Harness;
beforeEach(async () => {
  h = await embeddedHarness();
});
afterEach(async () => {
  await h.close();
});

function options(window: { start: Date; end: Date }, over: Partial<CollectOptions> = {}): CollectOptions {
  return {
    window,
    minSessionDurationMs: 30_000,
    maxSamples: 1_000_000,
    target: artifactTarget(h.ports.artifacts, 'datasets/t/production_data.csv'),
    config: h.config,
    configHash: h.configHash,
    ...over,
  };
}

describe('collect: bad logs', () => {
  it('counts every malformed document the simulator wrote, by kind, under invalid', async () => {
    const sim = await simulateToSink(h.ports.logs, { users: 60, days: 10, startDate: '2026-11-10', seed: 3, badLogRate: 0.05 });
    assert.ok(sim.badLogs > 50);
    const r = await collect(h.ports, options({ start: new Date('2026-11-10T00:00:00Z'), end: new Date('2026-11-20T00:00:00Z') }));
    assert.equal(r.report.logs.read, sim.logsWritten);
    assert.equal(r.report.logs.invalid, sim.badLogs);
    for (const [kind, n] of Object.entries(sim.badLogsByKind)) assert.equal(r.report.skipped.byReason[REASON_OF_KIND[kind]], n, kind);
    assert.equal(r.metadata.logs_read, sim.logsWritten);
    // Short sessions are counted too (the store is not asked to drop them).
    assert.equal(r.report.logs.filtered, r.report.skipped.byReason.short_session);
    assert.equal(r.report.skipped.total + r.report.rows, sim.logsWritten);
  });

  it('counts a damaged stored row and a 5,000-deep document, and collects the rest', async () => {
    const at = (i: number) => new Date(Date.parse('2026-11-20T00:00:00Z') + 60_000 * (i + 1)).toISOString();
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const docs = Array.from({ length: 6 }, (_, i) => validLog(`s${i}`, at(i)));
    docs.push({ id: 'deep', data: { ...(validLog('deep', at(7)).data as object), context: deep } });
    await h.append(docs);
    // Damage one row behind the store's back, as a bad disk or a hand edit would.
    const db = new DatabaseSync(embeddedPaths(h.config, { root: h.root }).database);
    db.prepare('INSERT INTO interaction_logs (_id, _ts, _dur, _raw) VALUES (?, ?, ?, ?)').run('not-json', Date.parse(at(3)) + 1, 60_000, 'not json {');
    db.exec(`UPDATE interaction_logs SET _num = x'00' WHERE _id = 's5'`);
    db.close();
    const r = await collect(h.ports, options({ start: new Date('2026-11-20T00:00:00Z'), end: new Date('2026-11-21T00:00:00Z') }));
    assert.equal(r.report.logs.read, 8);
    assert.equal(r.report.skipped.byReason.unreadable, 2);
    assert.equal(r.report.skipped.byReason['missing_field:context.viewport_width'], 1);
    assert.equal(r.report.rows, 5);
    const example = r.report.skipped.examples.find((e) => e.reason === 'unreadable');
    assert.ok(example && ['not-json', 's5'].includes(example.id), JSON.stringify(r.report.skipped.examples));
    assert.match(example.message ?? '', /does not parse|expected \d+ bytes/);
  });
});
