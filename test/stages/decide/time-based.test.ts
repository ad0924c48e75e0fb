import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { timeBasedTrigger } from '../../../functions/src/stages/decide/time-based.ts';
import type { TriggerContext } from '../../../functions/src/stages/decide/trigger.ts';
import { TriggerResultSchema } from '../../../functions/src/stages/decide/trigger.ts';

const at = new Date('2026-03-02T02:00:00Z');
const DAY = 86_400_000;

function ctx(lastDaysAgo: number | null, timeBased: Record<string, unknown> = {}): TriggerContext {
  return {
    ports: {} as TriggerContext['ports'],
    config: parseConfig({ triggers: { timeBased } }),
    at,
    window: { start: new Date(at.getTime() - 7 * DAY), end: at },
    lastTraining: lastDaysAgo === null ? null : { at: new Date(at.getTime() - lastDaysAgo * DAY), version: 'v_20260101_000000', source: 'registry' },
    currentVersion: lastDaysAgo === null ? null : 'v_20260101_000000',
  };
}

describe('time-based trigger', () => {
  const cases: Array<[string, number | null, { triggered: boolean; blocks: boolean; signals: string[]; days: number | null }]> = [
    ['never trained', null, { triggered: true, blocks: false, signals: [], days: null }],
    ['trained yesterday: cool-down', 1, { triggered: false, blocks: true, signals: [], days: 1 }],
    ['exactly a week', 7, { triggered: true, blocks: false, signals: [], days: 7 }],
    ['a week less a few minutes (weekly schedule) counts as a week', 7 - 10 / 1440, { triggered: true, blocks: false, signals: [], days: 6.99 }],
    ['two weeks', 14, { triggered: true, blocks: false, signals: [], days: 14 }],
    ['past the maximum', 31, { triggered: true, blocks: false, signals: ['max_days_exceeded'], days: 31 }],
  ];
  for (const [name, ago, want] of cases) {
    it(name, async () => {
      const r = TriggerResultSchema.parse(await timeBasedTrigger.evaluate(ctx(ago)));
      assert.equal(r.triggered, want.triggered);
      assert.equal(r.blocks, want.blocks);
      assert.deepEqual(r.signals, want.signals);
      assert.equal(r.values.days_since_last, want.days);
      assert.equal(r.values.min_days, 7);
      assert.equal(r.values.max_days, 30);
      assert.equal(r.evaluated, true);
    });
  }

  it('records its thresholds even when disabled', async () => {
    const r = TriggerResultSchema.parse(await timeBasedTrigger.evaluate(ctx(3, { enabled: false })));
    assert.equal(r.evaluated, false);
    assert.equal(r.triggered, false);
    assert.equal(r.blocks, false);
  });
});
