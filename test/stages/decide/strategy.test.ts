import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { requestWindow } from '../../../functions/src/stages/decide/decide.ts';
import { compactInstant, decisionIdFor, runIdFor, slotOf } from '../../../functions/src/stages/decide/ids.ts';
import { chooseStrategy, strategyHint } from '../../../functions/src/stages/decide/strategy.ts';
import { evaluateRule, parseRule } from '../../../functions/src/config/strategy-rule.ts';
import { RunIdSchema } from '../../../functions/src/shared/messages.ts';

const config = parseConfig({});

describe('strategy hint', () => {
  // The original defaults: incremental "data_volume and time_since_last_days <= 14", full "performance or drift or time_since_last_days >= 21".
  const cases: Array<[string[], string | null, number, string, RegExp]> = [
    [['time_based'], null, Infinity, 'full', /no model serves/],
    [['time_based'], 'v_1', 15, 'auto', /neither rule holds/],
    [['time_based', 'data_volume'], 'v_1', 7, 'incremental', /^incremental: data_volume fired and time_since_last_days 7 <= 14/],
    [['time_based', 'data_volume'], 'v_1', 14, 'incremental', /14 <= 14/],
    [['time_based', 'data_volume'], 'v_1', 15, 'auto', /neither/],
    [['time_based', 'data_volume'], 'v_1', 21, 'full', /^full: time_since_last_days 21 >= 21/],
    [['time_based', 'max_days_exceeded'], 'v_1', 30, 'full', />= 21/],
    [['drift', 'data_volume'], 'v_1', 7, 'full', /^full: drift fired/],
    [['performance', 'drift'], 'v_1', 7, 'full', /performance fired and drift fired/],
    [['manual'], 'v_1', 3, 'auto', /neither/],
  ];
  for (const [reasons, current, days, want, why] of cases) {
    it(`${reasons.join('+')} with ${current ?? 'no model'}, ${days} days → ${want}`, () => {
      const choice = chooseStrategy(reasons, config, current, days);
      assert.equal(choice.strategy, want);
      assert.match(choice.reason, why);
      assert.equal(strategyHint(reasons, config, current, days), want);
    });
  }

  const rules: Array<[string, string[], number, boolean]> = [
    ['data_volume and time_since_last_days <= 14', ['data_volume'], 3, true],
    ['data_volume and time_since_last_days <= 14', ['data_volume'], 14.5, false],
    ['performance or drift or time_since_last_days >= 21', [], 20.9, false],
    ['not drift and (data_volume or manual)', ['manual'], 1, true],
    ['not drift and (data_volume or manual)', ['manual', 'drift'], 1, false],
    ['time_since_last_days > 7 and time_since_last_days < 10', [], 8, true],
    ['time_since_last_days == 7', [], 7, true],
  ];
  for (const [text, fired, days, want] of rules) {
    it(`rule "${text}" with ${fired.join('+') || 'nothing'} at ${days} days → ${want}`, () => {
      assert.equal(evaluateRule(parseRule(text), { fired: new Set(fired), timeSinceLastDays: days }).holds, want);
    });
  }

  for (const bad of ['data_volume and', 'time_since_last_days <= soon', '(drift or performance', 'drift performance', 'drift & data_volume']) {
    it(`refuses the rule "${bad}" in the config with the key path`, () => {
      assert.throws(() => parseConfig({ strategies: { full: { conditions: bad } } }), /strategies\.full\.conditions.*not a strategy rule/s);
    });
  }

  it('follows the configured conditions', () => {
    const c = parseConfig({ strategies: { incremental: { conditions: 'manual' }, full: { conditions: 'data_volume' } } });
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
