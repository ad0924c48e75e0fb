/**
 * `retrain rollup` as a user runs it: a first pass, a second with nothing new, a check of a range
 * that finds documents written after their hour was rolled up, a rebuild, `--json`, and bad usage;
 * `retrain status --rescan` agrees with `retrain status` on the live numbers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RollupPassResult } from '../../../functions/src/stages/rollup/rollup-pass.ts';
import { openTestEnv, seedLogs, type TestEnv } from '../../stages/pipeline/fixtures.ts';
import { runCli } from '../run-cli.ts';

describe('retrain rollup', () => {
  let env: TestEnv;
  const cli = (...args: string[]) => runCli(['rollup', '--root', env.root, ...args]);
  before(async () => {
    env = await openTestEnv('2026-03-04T00:00:00Z');
    await seedLogs(env.ports, { startDate: '2026-03-01', days: 3, users: 40, sessionsPerDay: 3, seed: 3 });
  });
  after(() => env?.close());

  it('rolls up, then has nothing new, then checks a range and rebuilds what differs', async () => {
    const first = await cli('--to', '2026-03-04T00:00:00Z', '--json');
    assert.equal(first.code, 0, first.stderr);
    const r1 = JSON.parse(first.stdout) as RollupPassResult;
    assert.ok(r1.read > 200, `read ${r1.read}`);
    assert.equal(r1.watermark, '2026-03-04T00:00:00.000Z');

    const again = await cli('--to', '2026-03-04T00:00:00Z');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /rolled up 3 hour\(s\) from 2026-03-03T21:00:00.000Z/);

    // Sessions of 1 March written now, two days after their hours were rolled up.
    await seedLogs(env.ports, { startDate: '2026-03-01', days: 1, users: 5, sessionsPerDay: 2, seed: 99 });
    const check = await cli('--from', '2026-03-01T00:00:00Z', '--to', '2026-03-04T00:00:00Z');
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /checked \d+ hour\(s\) against the store's counts: \d+ differed and were rebuilt/);
    const clean = await cli('--from', '2026-03-01T00:00:00Z', '--to', '2026-03-04T00:00:00Z');
    assert.match(clean.stdout, /all match/);

    const rebuild = await cli('--rebuild', '--from', '2026-03-02T00:00:00Z', '--to', '2026-03-04T00:00:00Z', '--json');
    assert.equal(rebuild.code, 0, rebuild.stderr);
    assert.equal((JSON.parse(rebuild.stdout) as RollupPassResult).hours, 48);
  });

  it('bad usage exits 2', async () => {
    assert.equal((await cli('--from', 'yesterday')).code, 2);
    assert.equal((await cli('--from', '2026-03-03T00:00:00Z', '--to', '2026-03-02T00:00:00Z')).code, 2);
  });

  it('--help names the options', async () => {
    const r = await cli('--help');
    assert.equal(r.code, 0);
    for (const flag of ['--from', '--to', '--rebuild', '--json']) assert.ok(r.stdout.includes(flag), flag);
  });

  it('status --rescan shows the live numbers status shows from the rollups', async () => {
    const a = await runCli(['status', '--root', env.root, '--at', '2026-03-04T00:00:00Z', '--json']);
    const b = await runCli(['status', '--root', env.root, '--at', '2026-03-04T00:00:00Z', '--json', '--rescan']);
    assert.equal(a.code, 0, a.stderr);
    const live = (s: string) => JSON.parse(s).current_model_performance.live;
    assert.ok(live(a.stdout).counts.read > 0);
    assert.deepEqual(live(a.stdout), live(b.stdout));
  });
});
