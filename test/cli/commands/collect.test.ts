import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { closePorts, openPorts } from '../../../functions/src/adapters/open.ts';
import { parseGsUrl } from '../../../functions/src/cli/commands/collect.ts';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { ConfigError } from '../../../functions/src/shared/errors.ts';
import { DatasetMetadataSchema } from '../../../functions/src/stages/collect/dataset-metadata.ts';
import { validLog } from '../../stages/collect/fixtures.ts';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'collect-cli-'));
  const ports = await openPorts(parseConfig({}), { backend: 'embedded', root });
  await ports.logs.append([
    ...Array.from({ length: 6 }, (_, i) => validLog(`s${i}`, `2026-11-2${i}T12:00:00.000Z`)),
    validLog('short', '2026-11-21T13:00:00.000Z', (d) => (d.session_duration = 5000)),
    validLog('broken', '2026-11-21T14:00:00.000Z', (d) => delete d.context.locale),
  ]);
  await closePorts(ports);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const BIN = path.resolve(import.meta.dirname, '../../../bin/retrain.js');

/** Run `retrain collect …` on the temporary embedded store in a child process. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'collect', '--root', root, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('retrain collect', () => {
  it('documents every original flag with examples in --help', async () => {
    const r = await run(['--help']);
    for (const flag of ['--start-date', '--end-date', '--days-back', '--output', '--min-session-duration', '--validate', '--export-metadata', '--max-samples', '--config', '--json']) {
      assert.ok(r.stdout.includes(flag), flag);
    }
    assert.match(r.stdout, /default:\s+7/);
    assert.match(r.stdout, /default:\s+"data\/production_data\.csv"/);
    // The default comes from the config schema (dataCollection.minSessionDurationMs), not a second literal.
    assert.match(r.stdout, /default:\s+dataCollection\.minSessionDurationMs, 30000/);
    assert.match(r.stdout, /Examples:/);
  });

  it('writes the CSV, the report and the metadata, and prints one JSON document', async () => {
    const out = path.join(root, 'data', 'production_data.csv');
    const r = await run(['--start-date', '2026-11-20', '--end-date', '2026-11-26', '--output', out, '--validate', '--export-metadata', '--json']);
    assert.equal(r.code, 1, 'six rows: the verdict is abort, so --validate fails');
    const res = JSON.parse(r.stdout).error.details;
    assert.equal(res.status, 'ok');
    assert.equal(res.samples, 6);
    assert.equal(res.logsRead, 8, 'the 5 s session is read and counted (default --min-session-duration: the config 30000)');
    assert.deepEqual(res.skipped, { 'missing_field:context.locale': 1, short_session: 1 });
    assert.equal(res.csv, out);
    assert.equal(res.report.rows, 6);
    const rows = parse(await readFile(out, 'utf8'), { columns: true });
    assert.equal(rows.length, 6);
    const meta = DatasetMetadataSchema.parse(JSON.parse(await readFile(path.join(root, 'data', 'production_data_metadata.json'), 'utf8')));
    assert.equal(meta.min_session_duration, 30000);
    assert.equal(meta.start_date, '2026-11-20T00:00:00.000Z');
    assert.equal(meta.end_date, '2026-11-27T00:00:00.000Z');
    assert.ok(existsSync(path.join(root, 'data', 'production_data_validation.json')));
  });

  it('writes only the CSV without --validate and --export-metadata, and honours --max-samples and --min-session-duration', async () => {
    const out = path.join(root, 'plain', 'x.csv');
    const r = await run(['--start-date', '2026-11-20', '--end-date', '2026-11-26', '--output', out, '--max-samples', '3', '--min-session-duration', '1000', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.samples, 3);
    assert.equal(res.metadata, null);
    assert.equal(res.validationReport, null);
    assert.equal(existsSync(path.join(root, 'plain', 'x_metadata.json')), false);
  });

  it('prints a readable summary by default', async () => {
    const { code, stdout: text, stderr } = await run(['--start-date', '2026-11-20', '--end-date', '2026-11-26', '--output', path.join(root, 'h.csv'), '--min-session-duration', '0']);
    assert.equal(code, 0);
    assert.match(stderr, /✓ collect completed in/);
    assert.match(text, /^Collected 7 samples from 8 logs/);
    assert.match(text, /missing_field:context\.locale\s+1/);
    assert.match(text, /Validation: ABORT/);
  });

  it('fails with --validate when the verdict is abort, printing one JSON document', async () => {
    const r = await run(['--start-date', '2026-11-20', '--end-date', '2026-11-26', '--output', path.join(root, 'v.csv'), '--validate', '--json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.status, 'error');
    assert.equal(doc.error.code, 'DATASET_ABORT');
    assert.match(r.stderr, /Dataset failed validation: only 6 rows/);
  });

  it('rejects a malformed date and a malformed gs:// URL', async () => {
    const r = await run(['--start-date', '20/11/2026', '--output', path.join(root, 'y.csv')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--start-date: expected YYYY-MM-DD/);
    assert.throws(() => parseGsUrl('gs://bucket-only'), ConfigError);
    assert.deepEqual(parseGsUrl('gs://b/datasets/x.csv'), { bucket: 'b', path: 'datasets/x.csv' });
    assert.equal(parseGsUrl('data/x.csv'), null);
  });
});
