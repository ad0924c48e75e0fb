import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { modelsLayout } from '../../../functions/src/models/layout.ts';
import { decide } from '../../../functions/src/stages/decide/decide.ts';
import { previousDriftLevel, servingTrainedUnderDrift } from '../../../functions/src/stages/decide/drift-history.ts';
import { ensureRun } from '../../../functions/src/runs/run-record.ts';
import { fakeManifest } from '../../models/manifest-fixture.ts';
import { openTestEnv, type TestEnv } from '../pipeline/fixtures.ts';

describe('drift memory: the serving version trained after drift', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv('2026-03-09T02:00:00Z');
  });
  afterEach(() => env.close());

  const version = async (name: string, runId: string, reasons: string[]) => {
    await env.ports.artifacts.put(modelsLayout('models').manifest(name), Buffer.from(JSON.stringify({ ...fakeManifest(name), runId })));
    await ensureRun(env.ports, runId, { mode: 'scheduled', trigger: { decisionId: null, reasons, strategy: 'full' } });
  };

  const cases: Array<[string, string[], boolean]> = [
    ['a run started by performance', ['time_based', 'data_volume', 'performance'], true],
    ['a run started by drift', ['drift'], true],
    ['an ordinary weekly run', ['time_based', 'data_volume'], false],
  ];
  for (const [label, reasons, want] of cases) {
    it(`${label} → ${want ? 'the next update is not held to its data' : 'the forgetting guard applies'}`, async () => {
      await version('v_20260302_020000', 'run_20260302T020000Z_scheduled', reasons);
      assert.equal(await servingTrainedUnderDrift(env.ports, env.config, 'v_20260302_020000'), want ? 'run_20260302T020000Z_scheduled' : null);
    });
  }

  it('no serving version, or one without a run record: no memory', async () => {
    assert.equal(await servingTrainedUnderDrift(env.ports, env.config, null), null);
    assert.equal(await servingTrainedUnderDrift(env.ports, env.config, 'v_missing'), null);
  });

  it('the decision carries driftDetected and says why', async () => {
    await version('v_20260302_020000', 'run_20260302T020000Z_scheduled', ['performance']);
    await env.ports.artifacts.put(modelsLayout('models').current, Buffer.from(JSON.stringify({ version: 'v_20260302_020000', previousVersion: null, updatedAt: '2026-03-02T02:00:00.000Z', runId: null, reason: 'test' })));
    const { decision } = await decide(env.ports, env.config, { mode: 'force', dryRun: true });
    assert.equal(decision.currentVersion, 'v_20260302_020000');
    assert.equal(decision.driftDetected, true);
    assert.match(decision.driftNote ?? '', /trained after drift was detected \(run run_20260302T020000Z_scheduled\)/);
    assert.equal(decision.request?.driftDetected, true);
  });
});

describe('drift hysteresis memory: the previous level on the same version', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv('2026-03-09T02:00:00Z');
  });
  afterEach(() => env.close());

  /** A stored decision whose drift trigger measured `version` at `level`. */
  const store = async (at: string, version: string, level: string) => {
    const id = `dec_${at.replace(/[-:]/g, '').replace('.000', '')}_check`;
    await env.ports.records.create('trigger_decisions', id, {
      decisionId: id, mode: 'check', at, evaluatedAt: at, currentVersion: version, lastTraining: null,
      triggers: [{ name: 'drift', evaluated: true, triggered: level === 'fire', reason: 'r', values: { level, reference_version: version }, signals: [], blocks: false }],
      shouldRetrain: false, reasons: [], blockedBy: [], strategy: 'auto', recommendation: 'no retraining needed', runId: null, request: null,
    });
  };

  it('reads the latest earlier decision on the same version, and forgets on a new version', async () => {
    await store('2026-02-23T02:00:00.000Z', 'v_1', 'warn');
    await store('2026-03-02T02:00:00.000Z', 'v_1', 'fire');
    await store('2026-03-16T02:00:00.000Z', 'v_1', 'ok');
    const at = new Date('2026-03-09T02:00:00Z');
    assert.equal(await previousDriftLevel(env.ports, env.config, at, 'v_1'), 'fire', 'the last one before the check, not a later one');
    assert.equal(await previousDriftLevel(env.ports, env.config, at, 'v_2'), null, 'a new serving version starts afresh');
    assert.equal(await previousDriftLevel(env.ports, env.config, new Date('2026-03-01T00:00:00Z'), 'v_1'), 'warn');
  });
});
