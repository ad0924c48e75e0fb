import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../functions/src/shared/errors.ts';
import { consoleSink, createLogger, memorySink } from '../../functions/src/shared/logger.ts';

describe('pipeline logger', () => {
  it('emits named events with structured fields', () => {
    const sink = memorySink();
    const log = createLogger(sink);
    log.stageStarted('collect', { runId: 'r1' });
    log.stageCompleted('collect', 1234, { runId: 'r1', counts: { rows: 5 } });
    log.stageFailed('collect', new DataError('bad', { stage: 'collect', code: 'X' }), { runId: 'r1' });
    log.messagePublished('collect', 'dataset-ready', 'm1', { runId: 'r1' });
    assert.deepEqual(sink.events.map((e) => [e.event, e.severity, e.stage, e.runId]), [
      ['stage_started', 'INFO', 'collect', 'r1'],
      ['stage_completed', 'INFO', 'collect', 'r1'],
      ['stage_failed', 'ERROR', 'collect', 'r1'],
      ['message_published', 'INFO', 'collect', 'r1'],
    ]);
    assert.equal(sink.events[1].durationMs, 1234);
    assert.deepEqual(sink.events[1].counts, { rows: 5 });
    assert.equal((sink.events[2].error as any).code, 'X');
    assert.equal(sink.events[2].transient, false);
    assert.equal(sink.events[3].topic, 'dataset-ready');
  });

  it('renders the same events readably for the CLI, dropping debug ones', () => {
    const lines: string[] = [];
    const log = createLogger(consoleSink({ write: (l) => lines.push(l) }));
    log.stageCompleted('collect', 1500, { runId: 'r1', counts: { rows: 12345, skipped: 3 } });
    log.progress('collect', { counts: { read: 1 } });
    log.warning('collect', 'dataset verdict warn');
    assert.deepEqual(lines, ['✓ collect completed in 1.5 s [r1] (rows=12,345, skipped=3)', '! dataset verdict warn']);
  });
});
