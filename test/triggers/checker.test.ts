import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPortsFactory } from '../../functions/src/runtime/cloud-ports.ts';
import { RetrainRequestSchema } from '../../functions/src/shared/messages.ts';
import { TriggerDecisionSchema } from '../../functions/src/stages/decide/decision.ts';
import { getRun } from '../../functions/src/runs/run-record.ts';
import { checker } from '../../functions/src/triggers/checker.ts';
import { openTestEnv, seedLogs, type TestEnv } from '../stages/pipeline/fixtures.ts';

const SLOT = '2026-03-02T02:00:00Z';

describe('checker function', () => {
  let env: TestEnv;
  const published: unknown[] = [];
  before(async () => {
    env = await openTestEnv(SLOT);
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    await env.ports.bus.subscribe(env.config.pipeline.topics.retrainRequests, async (d) => void published.push(d.data));
    // The instance's ports: the embedded ones of this test instead of Firestore/GCS/Pub/Sub.
    await setPortsFactory(async () => env.ports);
  });
  after(async () => {
    await setPortsFactory(null);
    await env.close();
  });

  it('is scheduled as the original cron, in the configured time zone', () => {
    const endpoint = (checker as unknown as { __endpoint: { scheduleTrigger: { schedule: string; timeZone: string; retryConfig?: { retryCount?: number } } } }).__endpoint;
    assert.equal(endpoint.scheduleTrigger.schedule, '0 2 * * 1');
    assert.equal(endpoint.scheduleTrigger.timeZone, 'Etc/UTC');
    assert.equal(endpoint.scheduleTrigger.retryConfig?.retryCount, 3);
  });

  it('records the decision, opens the run and publishes one retrain request; a scheduler retry starts no second run', async () => {
    await checker.run({ scheduleTime: SLOT, jobName: 'firebase-schedule-checker' });
    await env.ports.bus.drain!();
    assert.equal(published.length, 1);
    const req = RetrainRequestSchema.parse(published[0]);
    assert.equal(req.runId, 'run_20260302T020000Z_scheduled');
    assert.equal(req.strategy, 'full');
    assert.deepEqual(req.reasons, ['time_based']);
    const decisions = await env.ports.records.list('trigger_decisions');
    assert.equal(decisions.length, 1);
    const decision = TriggerDecisionSchema.parse(decisions[0].data);
    assert.deepEqual(decision.triggers.map((t) => t.name), ['time_based', 'data_volume', 'performance', 'drift']);
    assert.equal(req.driftDetected, false);
    assert.equal(typeof decision.triggers[1].values.new_samples, 'number');
    const run = await getRun(env.ports, req.runId);
    assert.equal(run?.status, 'requested');
    assert.equal(run?.trigger.decisionId, decision.decisionId);
    assert.equal(run?.stages.check?.status, 'succeeded');

    // Cloud Scheduler retries the same slot (a few seconds later): same decision, same run.
    env.clock.advance(20_000);
    await checker.run({ scheduleTime: '2026-03-02T02:00:07Z', jobName: 'firebase-schedule-checker' });
    await env.ports.bus.drain!();
    assert.equal((await env.ports.records.list('trigger_decisions')).length, 1);
    assert.equal((await env.ports.records.list('retraining_runs')).length, 1);
    // Republished only because no collector picked the run up yet: the same run id, so idempotent.
    assert.ok(published.every((m) => RetrainRequestSchema.parse(m).runId === req.runId));
  });
});
