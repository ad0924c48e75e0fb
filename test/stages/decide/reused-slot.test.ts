/** A slot triggered again (a Scheduler retry, a checker run by hand) says so in the logs: `stage_reused`. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createLogger, type LogEvent } from '../../../functions/src/shared/logger.ts';
import { decide } from '../../../functions/src/stages/decide/decide.ts';
import { requestRetrain } from '../../../functions/src/stages/pipeline/request.ts';
import { markStage } from '../../../functions/src/runs/run-record.ts';
import { openTestEnv, type TestEnv } from '../pipeline/fixtures.ts';

describe('a re-triggered slot', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv('2026-03-02T02:00:00Z');
  });
  afterEach(() => env.close());

  it('logs stage_reused with the decision and run, and does not publish the request again once picked up', async () => {
    const events: LogEvent[] = [];
    const log = createLogger((e) => events.push(e));
    const first = await decide(env.ports, env.config, { mode: 'scheduled', log });
    await requestRetrain(env.ports, env.config, first.decision, { log });
    await markStage(env.ports, first.decision.runId!, 'collect', 'running');
    events.length = 0;

    const again = await decide(env.ports, env.config, { mode: 'scheduled', log });
    const outcome = await requestRetrain(env.ports, env.config, again.decision, { log });
    assert.equal(again.reused, true);
    const reused = events.find((e) => e.event === 'stage_reused');
    assert.ok(reused, `events: ${events.map((e) => e.event).join(', ')}`);
    assert.equal(reused.stage, 'decide');
    assert.equal(reused.runId, first.decision.runId);
    assert.equal(reused.decisionId, first.decision.decisionId);
    assert.equal(outcome.action, 'in_progress');
    assert.ok(events.some((e) => e.event !== 'stage_reused' && /not published again/.test(e.message)));
    assert.ok(!events.some((e) => e.event === 'message_published'));
  });
});
