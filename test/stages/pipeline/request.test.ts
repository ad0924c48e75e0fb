/** The checker's request: published once per run, and again only to resume a run left unfinished. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { getRun, markStage } from '../../../functions/src/runs/run-record.ts';
import { decide } from '../../../functions/src/stages/decide/decide.ts';
import { requestRetrain } from '../../../functions/src/stages/pipeline/request.ts';
import { openTestEnv, type TestEnv } from './fixtures.ts';

describe('requestRetrain', () => {
  let env: TestEnv;
  let published: unknown[];
  beforeEach(async () => {
    env = await openTestEnv('2026-03-02T02:00:00Z');
    published = [];
    await env.ports.bus.subscribe(env.config.pipeline.topics.retrainRequests, async (d) => void published.push(d.data));
  });
  afterEach(() => env.close());

  it('publishes once; not again while a stage works on the run or after it ended; again for a run left between stages', async () => {
    const { decision } = await decide(env.ports, env.config, { mode: 'force' });
    const runId = decision.runId!;
    const requests = async () => {
      const out = await requestRetrain(env.ports, env.config, decision);
      await env.ports.bus.drain!();
      return out.action;
    };
    assert.equal(await requests(), 'published');
    await markStage(env.ports, runId, 'collect', 'running');
    assert.equal(await requests(), 'in_progress');
    // The collector finished and its process died before the trainer picked the run up.
    await markStage(env.ports, runId, 'collect', 'succeeded');
    assert.equal(await requests(), 'resumed');
    assert.equal(published.length, 2);
    assert.deepEqual(published[1], published[0]);
    await markStage(env.ports, runId, 'train', 'failed', { error: new Error('bad data') });
    assert.equal((await getRun(env.ports, runId))?.status, 'failed');
    assert.equal(await requests(), 'in_progress');
    assert.equal(published.length, 2);
  });
});
