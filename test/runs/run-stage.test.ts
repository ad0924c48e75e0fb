import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DataError, TransientError } from '../../functions/src/shared/errors.ts';
import { getRun } from '../../functions/src/runs/run-record.ts';
import { STAGE_LEASE_MS, runStage } from '../../functions/src/runs/run-stage.ts';
import { applyStage, newRun } from '../../functions/src/runs/run-record.ts';
import { currentOwner } from '../../functions/src/runs/stage-owner.ts';
import { spawnSync } from 'node:child_process';
import { openTestEnv, type TestEnv } from '../stages/pipeline/fixtures.ts';

describe('runStage', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv('2026-03-02T02:00:00Z');
  });
  afterEach(() => env.close());

  it('a stage that completed is skipped on redelivery', async () => {
    let calls = 0;
    const work = async () => {
      calls++;
      return { value: 'ok', outputs: { rows: 3 } };
    };
    const first = await runStage(env.ports, 'run_1', 'collect', work);
    const second = await runStage(env.ports, 'run_1', 'collect', work);
    assert.equal(first.kind, 'completed');
    assert.equal(second.kind, 'already_completed');
    assert.equal(calls, 1);
    assert.equal((await getRun(env.ports, 'run_1'))?.stages.collect?.attempts, 1);
  });

  it('a permanent error fails the run, is returned not thrown, cleans up, and later deliveries do nothing', async () => {
    let cleaned = 0;
    const out = await runStage(
      env.ports,
      'run_2',
      'collect',
      async () => {
        throw new DataError('bad csv', { stage: 'collect' });
      },
      { cleanup: async () => void cleaned++ },
    );
    assert.equal(out.kind, 'failed');
    assert.equal(cleaned, 1);
    const run = await getRun(env.ports, 'run_2');
    assert.equal(run?.status, 'failed');
    assert.equal(run?.error?.message, 'bad csv');
    let trained = false;
    const later = await runStage(env.ports, 'run_2', 'train', async () => {
      trained = true;
      return { value: null };
    });
    assert.equal(later.kind, 'run_ended');
    assert.equal(trained, false);
  });

  it('a transient error is recorded and re-thrown, its partial output left to the retry; the redelivery runs again', async () => {
    let cleaned = 0;
    await assert.rejects(
      runStage(
        env.ports,
        'run_3',
        'train',
        async () => {
          throw new TransientError('bucket unavailable', { stage: 'storage' });
        },
        { cleanup: async () => void cleaned++ },
      ),
      TransientError,
    );
    assert.equal(cleaned, 0);
    const mid = await getRun(env.ports, 'run_3');
    assert.equal(mid?.status, 'running');
    assert.equal(mid?.stages.train?.status, 'retrying');
    const again = await runStage(env.ports, 'run_3', 'train', async () => ({ value: 1 }));
    assert.equal(again.kind, 'completed');
    const run = await getRun(env.ports, 'run_3');
    assert.equal(run?.stages.train?.attempts, 2);
    assert.equal(run?.stages.train?.error, undefined);
  });

  it('a stage running in another delivery is retried later, and taken over once its lease expired', async () => {
    const { ports, clock } = env;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // First delivery: claims the stage and then "crashes" (never finishes).
    const hung = runStage(ports, 'run_4', 'collect', async () => {
      await gate;
      return { value: 'late' };
    });
    await new Promise((r) => setImmediate(r));
    while ((await getRun(ports, 'run_4'))?.stages.collect?.status !== 'running') await new Promise((r) => setImmediate(r));
    await assert.rejects(runStage(ports, 'run_4', 'collect', async () => ({ value: 'dup' })), /running in another delivery/);
    clock.advance(STAGE_LEASE_MS + 1);
    const takeover = await runStage(ports, 'run_4', 'collect', async () => ({ value: 'takeover' }));
    assert.equal(takeover.kind, 'completed');
    assert.equal((await getRun(ports, 'run_4'))?.stages.collect?.attempts, 2);
    release();
    await hung;
  });

  it('a stage whose owner process is gone is taken over at once; one of another machine waits for its lease', { skip: !currentOwner().boot && 'no kernel boot id here: claims end with their lease only' }, async () => {
    const { ports } = env;
    const gone = spawnSync('true').pid!;
    const claimed = (runId: string, owner: object) => {
      const run = applyStage(newRun(runId, ports.clock.now()), 'train', 'running', {}, ports.clock.now());
      return ports.records.create('retraining_runs', runId, JSON.parse(JSON.stringify({ ...run, stages: { train: { ...run.stages.train, owner } } })));
    };
    assert.equal(currentOwner().pid, process.pid);
    await claimed('run_6', { ...currentOwner(), pid: gone });
    const takeover = await runStage(ports, 'run_6', 'train', async () => ({ value: 'resumed' }));
    assert.equal(takeover.kind, 'completed');
    const run = await getRun(ports, 'run_6');
    assert.deepEqual([run?.stages.train?.status, run?.stages.train?.attempts, run?.stages.train?.owner], ['succeeded', 2, undefined]);
    await claimed('run_7', { ...currentOwner(), host: 'another-machine', pid: gone });
    await assert.rejects(runStage(ports, 'run_7', 'train', async () => ({ value: 'dup' })), /running in another delivery/);
    // The claim names this process while it works.
    await runStage(ports, 'run_8', 'train', async () => {
      assert.deepEqual((await getRun(ports, 'run_8'))?.stages.train?.owner, currentOwner());
      return { value: 1 };
    });
  });

  it('a handler that claims its stage itself can be wrapped by one that does too (no self-wait, one attempt)', async () => {
    const inner = () => runStage(env.ports, 'run_5', 'collect', async () => ({ value: 'inner', outputs: { rows: 9 } }));
    const outer = await runStage(env.ports, 'run_5', 'collect', async () => {
      const o = await inner();
      assert.equal(o.kind, 'completed');
      return { value: 'outer', outputs: { rows: 9 } };
    });
    assert.equal(outer.kind, 'completed');
    const run = await getRun(env.ports, 'run_5');
    assert.equal(run?.stages.collect?.attempts, 1);
    assert.equal(run?.stages.collect?.status, 'succeeded');
  });
});
