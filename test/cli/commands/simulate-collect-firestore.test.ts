/**
 * The acceptance path on the production log store: `retrain simulate` into Firestore (the
 * emulator started by `npm test`), then `retrain collect --days-back 30 --validate
 * --export-metadata` reading it back, through the real CLI in a child process, with a config that
 * points at collections of this test only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { FEATURE_COLUMNS } from '../../../functions/src/data/features.ts';
import { TARGET_COLUMNS } from '../../../functions/src/data/targets.ts';
import { DatasetMetadataSchema } from '../../../functions/src/stages/collect/dataset-metadata.ts';

const SKIP = process.env.FIRESTORE_EMULATOR_HOST ? false : 'FIRESTORE_EMULATOR_HOST not set: run `npm test` (it starts the emulators)';
const BIN = path.resolve(import.meta.dirname, '../../../bin/retrain.js');

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, RETRAIN_BACKEND: 'cloud' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('retrain simulate → retrain collect on the Firestore emulator', { skip: SKIP }, () => {
  let dir: string;
  let configFile: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cli-firestore-'));
    configFile = path.join(dir, 'retraining.yaml');
    const tag = `${process.pid}_${Date.now().toString(36)}`;
    await writeFile(
      configFile,
      stringify({
        pipeline: {
          projectId: process.env.GCLOUD_PROJECT ?? 'demo-adaptive-ui',
          collections: { interactionLogs: `interaction_logs_cli_${tag}` },
        },
        validation: { qualityChecks: { minSamples: 50 } },
      }),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a CSV with exactly the original columns and its metadata', async () => {
    const sim = await run(['simulate', '--config', configFile, '--users', '20', '--sessions-per-day', '1', '--days', '10', '--seed', '3', '--json']);
    assert.equal(sim.code, 0, sim.stderr);
    const written = JSON.parse(sim.stdout).logsWritten as number;
    assert.ok(written > 100, `simulated ${written}`);

    const out = path.join(dir, 'production_data.csv');
    const col = await run(['collect', '--config', configFile, '--days-back', '30', '--validate', '--export-metadata', '--output', out, '--json']);
    assert.equal(col.code, 0, col.stderr + col.stdout);
    const csv = await readFile(out, 'utf8');
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    const header = csv.slice(0, csv.indexOf('\n')).split(',');
    assert.deepEqual(header, ['session_id', 'timestamp', ...FEATURE_COLUMNS, ...TARGET_COLUMNS]);
    assert.ok(rows.length > 50 && rows.length <= written, `rows ${rows.length} of ${written}`);

    const meta = DatasetMetadataSchema.parse(JSON.parse(await readFile(path.join(dir, 'production_data_metadata.json'), 'utf8')));
    assert.equal(meta.total_samples, rows.length);
    // collect's default minimum duration is the config's (dataCollection.minSessionDurationMs), as the pipeline uses.
    assert.equal(meta.min_session_duration, 30000);
  });
});
