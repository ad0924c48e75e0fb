import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../functions/src/shared/errors.ts';
import { createLogger, memorySink, type LogEvent } from '../../functions/src/shared/logger.ts';
import { DatasetReadySchema, ModelTrainedSchema, RetrainRequestSchema } from '../../functions/src/shared/messages.ts';
import { receiveMessage } from '../../functions/src/shared/receive-message.ts';

describe('receiveMessage (the edge of every step)', () => {
  it('returns the typed message, defaults applied', () => {
    const events: LogEvent[] = [];
    const got = receiveMessage(RetrainRequestSchema, { runId: 'run_a', window: { start: '2026-11-20T00:00:00Z', end: '2026-11-27T00:00:00Z' } }, { name: 'retrain request', stage: 'collect', log: createLogger(memorySink(events)) });
    assert.ok(got.ok);
    assert.deepEqual([got.message.strategy, got.message.reasons], ['auto', []]);
    assert.deepEqual(events, []);
  });

  const cases: Array<[string, Parameters<typeof receiveMessage>[0], unknown, 'collect' | 'train' | 'deploy', RegExp]> = [
    ['retrain request', RetrainRequestSchema, 'hello', 'collect', /^Invalid retrain request: \(root\): .*expected object/],
    ['dataset-ready message', DatasetReadySchema, { runId: 'x' }, 'train', /^Invalid dataset-ready message: runId: /],
    ['model-trained message', ModelTrainedSchema, { runId: 'run_a', status: 'done' }, 'deploy', /^Invalid model-trained message: .*status/],
  ];
  for (const [name, schema, data, stage, re] of cases) {
    it(`rejects a bad ${name}: a DataError MESSAGE_INVALID, logged once as message_rejected`, () => {
      const events: LogEvent[] = [];
      const got = receiveMessage(schema, data, { name, stage, log: createLogger(memorySink(events)) });
      assert.equal(got.ok, false);
      if (got.ok) return;
      assert.ok(got.error instanceof DataError);
      assert.equal(got.error.code, 'MESSAGE_INVALID');
      assert.equal(got.error.transient, false);
      assert.match(got.error.message, re);
      assert.deepEqual(events.map((e) => [e.event, e.severity, e.stage]), [['message_rejected', 'ERROR', stage]]);
    });
  }
});
