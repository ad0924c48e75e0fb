import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { requestWindow } from '../../../functions/src/stages/decide/decide.ts';
import { compactInstant, decisionIdFor, runIdFor, slotOf } from '../../../functions/src/stages/decide/ids.ts';
import { strategyHint } from '../../../functions/src/stages/decide/strategy.ts';
import { RunIdSchema } from '../../../functions/src/shared/messages.ts';

const config = parseConfig({});

describe('strategy hint', () => {
  const cases: Array<[string[], string | null, string]> = [
    [['time_based'], null, 'full'],
    [['time_based'], 'v_1', 'incremental'],
    [['data_volume'], 'v_1', 'incremental'],
    [['time_based', 'max_days_exceeded'], 'v_1', 'full'],
    [['drift', 'data_volume'], 'v_1', 'full'],
    [['manual'], 'v_1', 'auto'],
  ];
  for (const [reasons, current, want] of cases) {
    it(`${reasons.join('+')} with ${current ?? 'no model'} → ${want}`, () => {
      assert.equal(strategyHint(reasons, config, current), want);
    });
  }

  it('follows the configured conditions', () => {
    const c = parseConfig({ strategies: { incremental: { conditions: ['manual'] }, full: { conditions: ['data_volume'] } } });
    assert.equal(strategyHint(['manual'], c, 'v_1'), 'incremental');
    assert.equal(strategyHint(['data_volume', 'manual'], c, 'v_1'), 'full');
  });
});

describe('ids and windows', () => {
  it('a scheduled slot is its minute, so retries and a late cron land on the same run', () => {
    const a = slotOf(new Date('2026-03-02T02:00:00.120Z'), 'scheduled');
    const b = slotOf(new Date('2026-03-02T02:00:41Z'), 'scheduled');
    assert.equal(a.getTime(), b.getTime());
    assert.equal(runIdFor(a, 'scheduled'), 'run_20260302T020000Z_scheduled');
    assert.equal(decisionIdFor(a, 'scheduled'), 'dec_20260302T020000Z_scheduled');
    assert.ok(RunIdSchema.safeParse(runIdFor(a, 'force')).success);
    assert.equal(compactInstant(new Date('2026-03-02T02:03:04.999Z')), '20260302T020304Z');
  });

  it('full retrains read the retention period; updates reach back to the last training', () => {
    const at = new Date('2026-03-31T00:00:00Z');
    const full = requestWindow(config, at, 'full', new Date('2026-03-20T00:00:00Z'));
    assert.equal(full.start.toISOString(), '2025-12-31T00:00:00.000Z');
    const recent = requestWindow(config, at, 'incremental', new Date('2026-03-28T00:00:00Z'));
    assert.equal(recent.start.toISOString(), '2026-03-24T00:00:00.000Z');
    const older = requestWindow(config, at, 'incremental', new Date('2026-03-10T00:00:00Z'));
    assert.equal(older.start.toISOString(), '2026-03-10T00:00:00.000Z');
    assert.equal(older.end.toISOString(), at.toISOString());
  });
});
