import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { replay, type ReplayResult } from '../../../functions/src/stages/replay/replay.ts';
import { openTestEnv, seedLogs, type TestEnv } from '../pipeline/fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/retrain.js');
const DAY = 86_400_000;
const QUICK = { strategies: { full: { hyperparameterTuning: false } }, training: { rounds: 3, maxDepth: 2, workers: 1 }, validation: { qualityChecks: { minSamples: 50 } }, triggers: { dataVolume: { minNewSamples: 100 } } };

describe('replay on a small embedded store', () => {
  let env: TestEnv;
  let result: ReplayResult;
  before(async () => {
    env = await openTestEnv('2026-11-30T02:00:00Z', QUICK);
    // Three weeks of sessions, 20 users: ~180 usable sessions a week.
    await seedLogs(env.ports, { startDate: '2026-02-02', days: 21 });
    result = await replay(env.ports, {
      from: new Date('2026-02-09T02:00:00Z'),
      to: new Date('2026-02-16T02:00:00Z'),
      everyMs: 7 * DAY,
      policies: [
        { name: 'manual', config: env.config },
        { name: 'auto', config: parseConfig({ ...QUICK, deployment: { autoDeploy: true, strategy: 'immediate' } }) },
      ],
    });
  });
  after(() => env.close());

  it('runs the chain at every slot of every policy, the clock at the slot', () => {
    assert.deepEqual(result.policies.map((p) => p.name), ['manual', 'auto']);
    for (const p of result.policies) {
      assert.deepEqual(p.slots.map((s) => s.at), ['2026-02-09T02:00:00.000Z', '2026-02-16T02:00:00.000Z']);
      const first = p.slots[0];
      assert.equal(first.shouldRetrain, true);
      assert.equal(first.strategy, 'full');
      assert.match(first.version ?? '', /^v_20260209_0200\d\d$/);
      assert.equal(first.deployed, true, 'the first version becomes current');
      assert.ok(first.nextPeriod && first.nextPeriod.sessions > 50 && first.nextPeriod.meanAccuracy! > 0);
      assert.deepEqual(first.triggers.map((t) => t.name), ['time_based', 'data_volume', 'performance', 'drift']);
      assert.ok(p.sessionsCopied > 500);
    }
  });

  it('a week later the triggers are measured against the replayed version; the policies differ in deploying', () => {
    const [manual, auto] = result.policies.map((p) => p.slots[1]);
    for (const s of [manual, auto]) {
      assert.equal(s.servingBefore, result.policies[0].slots[0].version);
      const drift = s.triggers.find((t) => t.name === 'drift')!;
      assert.equal(drift.evaluated, true, drift.value);
      assert.match(drift.value, /^(ok|warn|fire):/);
    }
    if (manual.version) assert.equal(manual.deployed, false, 'auto-deployment off: the trained version waits');
    if (auto.version && auto.run === 'succeeded') assert.equal(auto.servingAfter, auto.version);
  });

  it('leaves the real store untouched', async () => {
    assert.equal(await new ModelRegistry(env.ports.artifacts).current(), null);
    assert.equal((await env.ports.records.list('retraining_runs')).length, 0);
    assert.equal((await env.ports.records.list('trigger_decisions')).length, 0);
  });

  it('retrain replay prints the slots side by side, and one JSON document with --json', async () => {
    const policy = path.join(env.root, 'quick.yaml');
    await writeFile(policy, JSON.stringify(QUICK));
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, [BIN, 'replay', '--root', env.root, '--from', '2026-02-09', '--to', '2026-02-09', '--policy', policy, ...args], { encoding: 'utf8' }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const json = await run(['--json']);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as ReplayResult;
    assert.equal(out.policies[0].slots.length, 1);
    assert.match(out.policies[0].slots[0].version ?? '', /^v_20260209_0200/);
    const text = await run([]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /slot 2026-02-09T02:00:00.000Z/);
    assert.match(text.stdout, /quick +fired time_based, data_volume; full → v_20260209_0200\d\d deployed; next: \d+\.\d %/);
  });
});
