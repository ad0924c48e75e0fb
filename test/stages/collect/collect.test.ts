import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { ArtifactStore } from '../../../functions/src/ports/index.ts';
import { collect, type CollectOptions } from '../../../functions/src/stages/collect/collect.ts';
import { DatasetMetadataSchema } from '../../../functions/src/stages/collect/dataset-metadata.ts';
import { artifactTarget, fileTarget } from '../../../functions/src/stages/collect/dataset-target.ts';
import { ValidationReportSchema } from '../../../functions/src/stages/collect/validation-report.ts';
import { validLog } from './fixtures.ts';
import { embeddedHarness, type Harness } from './harness.ts';

const WINDOW = { start: new Date('2026-11-20T00:00:00.000Z'), end: new Date('2026-11-27T00:00:00.000Z') };
const at = (i: number) => new Date(WINDOW.start.getTime() + 60_000 * (i + 1)).toISOString();

const ORIGINAL_HEADER = [
  'session_id',
  'timestamp',
  ...Array.from({ length: 19 }, (_, i) => `feature_${i}`),
  'css_class_density',
  'css_class_font',
  'css_class_theme',
  ...Array.from({ length: 8 }, (_, i) => `css_var_${i}`),
];

let h: Harness;
beforeEach(async () => {
  h = await embeddedHarness();
});
afterEach(async () => {
  await h.close();
});

function options(over: Partial<CollectOptions> = {}): CollectOptions {
  return {
    window: WINDOW,
    minSessionDurationMs: 10_000,
    maxSamples: 10_000,
    target: artifactTarget(h.ports.artifacts, 'datasets/t/production_data.csv'),
    config: h.config,
    configHash: h.configHash,
    ...over,
  };
}

async function csvOf(store: ArtifactStore, p = 'datasets/t/production_data.csv'): Promise<{ text: string; rows: Record<string, string>[] }> {
  const text = (await store.get(p)).toString('utf8');
  return { text, rows: parse(text, { columns: true }) };
}

describe('collect stage', () => {
  it('writes the original columns, one row per usable session, features and targets filled', async () => {
    await h.append([validLog('a', at(0)), validLog('b', at(1), (d) => delete d.context.os_font_scale)]);
    const r = await collect(h.ports, options());
    const { text, rows } = await csvOf(h.ports.artifacts);
    assert.equal(text.split('\n')[0], ORIGINAL_HEADER.join(','));
    assert.deepEqual(rows.map((x) => x.session_id), ['a', 'b']);
    assert.equal(rows[0].timestamp, at(0));
    assert.equal(rows[0].feature_0, String(Math.log2(1280)));
    assert.equal(rows[0].feature_11, '1');
    assert.equal(rows[1].feature_11, '', 'a missing optional feature is an empty cell');
    assert.equal(rows[0].css_class_font, 'large', 'explicit choice wins');
    assert.equal(rows[0].css_var_3, '44');
    assert.equal(r.metadata.total_samples, 2);
    assert.equal(r.report.columns[11].missing, 1);
  });

  it('skips and counts every kind of bad log by reason, with examples', async () => {
    await h.append([
      validLog('ok1', at(0)),
      validLog('ok2', at(1)),
      validLog('no-ctx', at(2), (d) => delete d.context),
      validLog('no-width', at(3), (d) => delete d.context.viewport_width),
      validLog('str-width', at(4), (d) => (d.context.viewport_width = '1280')),
      validLog('watch', at(5), (d) => (d.context.device_class = 'smartwatch')),
      validLog('deep', at(6), (d) => (d.behavior.scroll_depth = 3)),
      validLog('v1', at(7), (d) => (d.schema_version = 1)),
      validLog('v1b', at(8), (d) => (d.schema_version = 1)),
      validLog('bot', at(9), (d) => ((d.behavior.scroll_speed_px_s = 50_000), (d.behavior.mean_dwell_ms = 100))),
      validLog('dup', at(10), (d) => (d.session_id = 'ok1')),
    ]);
    const r = await collect(h.ports, options());
    assert.equal(r.metadata.total_samples, 2);
    assert.equal(r.metadata.logs_read, 11);
    assert.deepEqual(r.metadata.skipped, {
      wrong_schema_version: 2,
      'invalid_enum:context.device_class': 1,
      'invalid_type:context.viewport_width': 1,
      'missing_field:context': 1,
      'missing_field:context.viewport_width': 1,
      'out_of_range:behavior.scroll_depth': 1,
      duplicate_session: 1,
      bot_like: 1,
    });
    assert.deepEqual(r.report.logs, { read: 11, invalid: 7, duplicates: 1, uninferable: 1, filtered: 0 });
    assert.equal(r.report.duplicateSessions.count, 1);
    const byReason = Object.fromEntries(r.report.skipped.examples.map((e) => [e.reason, e.id]));
    assert.equal(byReason['missing_field:context'], 'no-ctx');
    assert.equal(byReason.duplicate_session, 'dup');
    assert.equal(byReason.wrong_schema_version, 'v1', 'one example per reason, the first');
    assert.equal(r.report.skipped.invalidShare, 7 / 11);
  });

  it('keeps the first of duplicate sessions', async () => {
    await h.append([validLog('x1', at(0), (d) => (d.session_id = 'same')), validLog('x2', at(1), (d) => ((d.session_id = 'same'), (d.explicit = { font: 'small' })))]);
    const r = await collect(h.ports, options());
    const { rows } = await csvOf(h.ports.artifacts);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].css_class_font, 'large');
    assert.equal(r.metadata.skipped.duplicate_session, 1);
  });

  it('collects the window [start, end) only', async () => {
    const ms = (t: Date, d: number) => new Date(t.getTime() + d).toISOString();
    await h.append([
      validLog('before', ms(WINDOW.start, -1)),
      validLog('first', WINDOW.start.toISOString()),
      validLog('last', ms(WINDOW.end, -1)),
      validLog('at-end', WINDOW.end.toISOString()),
      validLog('epoch-ms', WINDOW.start.getTime() + 5000),
    ]);
    await collect(h.ports, options());
    const { rows } = await csvOf(h.ports.artifacts);
    assert.deepEqual(rows.map((x) => x.session_id), ['first', 'epoch-ms', 'last']);
  });

  it('drops sessions shorter than the minimum duration', async () => {
    await h.append([9_999, 10_000, 30_000].map((dur, i) => validLog(`d${dur}`, at(i), (d) => (d.session_duration = dur))));
    const r = await collect(h.ports, options({ minSessionDurationMs: 10_000 }));
    const { rows } = await csvOf(h.ports.artifacts);
    assert.deepEqual(rows.map((x) => x.session_id), ['d10000', 'd30000']);
    assert.equal(r.metadata.min_session_duration, 10_000);
  });

  it('stops at maxSamples, keeping the most recent sessions (in time order)', async () => {
    await h.append(Array.from({ length: 10 }, (_, i) => validLog(`s${i}`, at(9 - i))));
    const r = await collect(h.ports, options({ maxSamples: 4 }));
    const { rows } = await csvOf(h.ports.artifacts);
    // Issue 10: the newest rows, so a retrain after a drift learns from the drifted traffic.
    assert.deepEqual(rows.map((x) => x.session_id), ['s3', 's2', 's1', 's0']);
    assert.equal(r.metadata.reached_max_samples, true);
    assert.equal(r.metadata.max_samples, 4);
    const all = await collect(h.ports, options({ maxSamples: 10, target: artifactTarget(h.ports.artifacts, 'datasets/u/production_data.csv') }));
    assert.equal(all.metadata.total_samples, 10);
  });

  it('writes the metadata last, with the original fields, checksum and feature names', async () => {
    await h.append([validLog('a', at(0)), validLog('b', at(1))]);
    const order: string[] = [];
    const store = h.ports.artifacts;
    const spy: ArtifactStore = Object.create(store);
    spy.put = (p, d, o) => (order.push(p), store.put(p, d, o));
    spy.putStream = (p, s, o) => (order.push(p), store.putStream(p, s, o));
    const r = await collect(h.ports, options({ target: artifactTarget(spy, 'datasets/t/production_data.csv'), runId: 'run_1' }));
    assert.deepEqual(order, ['datasets/t/production_data.csv', 'datasets/t/production_data_validation.json', 'datasets/t/production_data_metadata.json']);
    const meta = DatasetMetadataSchema.parse(JSON.parse((await store.get('datasets/t/production_data_metadata.json')).toString()));
    assert.deepEqual(meta, r.metadata);
    assert.equal(meta.collection_date, '2026-11-27T08:00:00.000Z');
    assert.equal(meta.start_date, WINDOW.start.toISOString());
    assert.equal(meta.end_date, WINDOW.end.toISOString());
    assert.equal(meta.total_samples, 2);
    assert.equal(meta.min_session_duration, 10_000);
    assert.equal(meta.feature_names.feature_0, 'viewport_width_log2');
    assert.equal(Object.keys(meta.feature_names).length, 19);
    assert.deepEqual(meta.columns, ORIGINAL_HEADER);
    assert.equal(meta.run_id, 'run_1');
    assert.equal(meta.log_schema_version, 2);
    assert.equal(meta.config_hash, h.configHash);
    const csv = await store.get('datasets/t/production_data.csv');
    assert.equal(meta.csv.sha256, createHash('sha256').update(csv).digest('hex'));
    assert.equal(meta.csv.bytes, csv.length);
    assert.equal(meta.validation.verdict, 'abort');
    assert.match(meta.validation.reasons[0], /only 2 rows, fewer than minSamples 100/);
    assert.equal(meta.validation.report_path, 'datasets/t/production_data_validation.json');
    ValidationReportSchema.parse(JSON.parse((await store.get('datasets/t/production_data_validation.json')).toString()));
  });

  it('writes the same bytes whether the CSV is formatted in a worker or inline, page by page', async () => {
    await h.append(Array.from({ length: 11 }, (_, i) => validLog(`p${i}`, at(i), (d) => (d.context.local_hour = i + 0.37))));
    const config = { ...h.config, dataCollection: { ...h.config.dataCollection, pageSize: 3 } };
    const inline = await collect(h.ports, options({ config, csvWorker: false, target: artifactTarget(h.ports.artifacts, 'a/x.csv') }));
    const worker = await collect(h.ports, options({ config, csvWorker: true, target: artifactTarget(h.ports.artifacts, 'b/x.csv') }));
    assert.equal(inline.metadata.total_samples, 11);
    assert.equal(worker.metadata.csv.sha256, inline.metadata.csv.sha256);
    assert.deepEqual(await h.ports.artifacts.get('b/x.csv'), await h.ports.artifacts.get('a/x.csv'));
    const { rows } = await csvOf(h.ports.artifacts, 'b/x.csv');
    assert.deepEqual(rows.map((r) => r.session_id), Array.from({ length: 11 }, (_, i) => `p${i}`));
  });

  it('writes a header-only dataset for an empty window', async () => {
    const r = await collect(h.ports, options());
    const { text } = await csvOf(h.ports.artifacts);
    assert.equal(text, `${ORIGINAL_HEADER.join(',')}\n`);
    assert.equal(r.report.verdict, 'abort');
  });

  it('writes local files atomically and only what was asked for; same logs, same bytes', async () => {
    await h.append(Array.from({ length: 5 }, (_, i) => validLog(`s${i}`, at(i))));
    const file = path.join(h.root, 'out', 'production_data.csv');
    const a = await collect(h.ports, options({ target: fileTarget(file), writeReport: false, writeMetadata: false }));
    assert.equal(a.metadataPath, null);
    await assert.rejects(readFile(path.join(h.root, 'out', 'production_data_metadata.json')), { code: 'ENOENT' });
    const b = await collect(h.ports, options({ target: fileTarget(file), writeMetadata: true }));
    assert.equal(b.metadata.csv.sha256, a.metadata.csv.sha256);
    assert.equal(b.metadataPath, path.join(h.root, 'out', 'production_data_metadata.json'));
    const meta = DatasetMetadataSchema.parse(JSON.parse(await readFile(b.metadataPath!, 'utf8')));
    assert.equal(meta.csv.path, file);
    assert.equal(meta.csv.sha256, createHash('sha256').update(await readFile(file)).digest('hex'));
  });
});
