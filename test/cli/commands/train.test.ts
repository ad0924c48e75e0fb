/**
 * `retrain full`, `retrain incremental` and `retrain models` on a temp embedded store, run through
 * the CLI's `main` in this process (stdout and stderr captured) to keep the suite fast.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliRun } from '../run-cli.ts';
import { makeCsv, makeRows, toCsv } from '../../stages/train/fixtures.ts';

let root: string;
let cfg: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'train-cli-'));
  cfg = path.join(root, 'retraining.yaml');
  await writeFile(cfg, 'training:\n  rounds: 4\n  maxDepth: 3\n  workers: 1\nvalidation:\n  qualityChecks:\n    minSamples: 50\n');
  await writeFile(path.join(root, 'a.csv'), makeCsv({ rows: 200, seed: 1 }));
  await writeFile(path.join(root, 'b.csv'), makeCsv({ rows: 300, seed: 2 }));
  const bad = makeRows({ rows: 60, seed: 3 });
  bad[9].css_var_2 = 'oops';
  await writeFile(path.join(root, 'bad.csv'), toCsv(bad));
});
after(async () => rm(root, { recursive: true, force: true }));

async function retrain(args: string[]): Promise<CliRun> {
  return await runCli([...args, '--root', root, '--config', cfg]);
}

describe('retrain full / incremental / models', () => {
  it('full --json prints the original result shape and stores the local CSV with the version', async () => {
    const r = await retrain(['full', '--data', path.join(root, 'a.csv'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'success');
    assert.match(out.model_version, /^v_\d{8}_\d{6}$/);
    assert.equal(out.samples_used, 200);
    assert.equal(out.validation_results.deployed, true);
    const show = JSON.parse((await retrain(['models', 'show', out.model_version, '--json'])).stdout);
    assert.match(show.data.path, /^datasets\/manual\/[0-9a-f]{16}\/a\.csv$/);
  });

  it('incremental prints status, version, validation results and samples used', async () => {
    const r = await retrain(['incremental', '--data', path.join(root, 'b.csv'), '--backup-current']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Status: (success|no_improvement)/m);
    assert.match(r.stdout, /^Samples used: 300$/m);
    assert.match(r.stdout, /improvement [+-]\d+\.\d\d %/);
    const skipped = JSON.parse((await retrain(['incremental', '--data', path.join(root, 'b.csv'), '--min-samples', '1000', '--json'])).stdout);
    assert.deepEqual([skipped.status, skipped.reason], ['skipped', 'Insufficient data: 300 < 1000']);
  });

  it('bad data exits 1 naming the row and column', async () => {
    const r = await retrain(['full', '--data', path.join(root, 'bad.csv'), '--json']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.error.code, 'CELL_INVALID');
    assert.match(out.error.message, /line 11 \(row 10\), column css_var_2: not a number: "oops"/);
  });

  it('models list and current show the registry', async () => {
    const list = JSON.parse((await retrain(['models', 'list', '--json'])).stdout);
    assert.ok(list.versions.length >= 1);
    const cur = JSON.parse((await retrain(['models', 'current', '--json'])).stdout);
    assert.equal(cur.pointer.version, list.current);
    const text = (await retrain(['models', 'list'])).stdout;
    assert.match(text, new RegExp(`^\\* ${list.current}`, 'm'));
  });
});
