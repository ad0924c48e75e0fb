/** Absurd config values fail validation with the key path: rounds, splits, the cron schedule, bucket prefixes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../functions/src/config/load.ts';
import { cronProblem } from '../../functions/src/config/cron.ts';
import type { RetrainingConfigInput } from '../../functions/src/config/schema.ts';
import { ConfigError } from '../../functions/src/shared/errors.ts';

const rejected: Array<[string, RetrainingConfigInput, RegExp]> = [
  ['rounds 1e12', { training: { rounds: 1e12 } }, /training\.rounds: Too big/],
  ['validationSplit 0', { strategies: { incremental: { validationSplit: 0 } } }, /strategies\.incremental\.validationSplit/],
  ['validationSplit 1', { strategies: { incremental: { validationSplit: 1 } } }, /strategies\.incremental\.validationSplit/],
  ['a schedule in words', { pipeline: { schedule: 'every monday at 2' } }, /pipeline\.schedule: not a cron expression: expected 5 fields/],
  ['a schedule with an hour of 24', { pipeline: { schedule: '0 24 * * 1' } }, /pipeline\.schedule: .*hour field "24"/],
  ['a prefix climbing out of the bucket', { pipeline: { layout: { modelsPrefix: '../../etc' } } }, /pipeline\.layout\.modelsPrefix: must be a relative path/],
  ['an absolute prefix', { pipeline: { layout: { datasetsPrefix: '/etc' } } }, /pipeline\.layout\.datasetsPrefix/],
  ['a prefix with ".." inside', { pipeline: { layout: { reportsPrefix: 'a/../b' } } }, /pipeline\.layout\.reportsPrefix/],
];

describe('config bounds', () => {
  for (const [what, input, re] of rejected) {
    it(`rejects ${what}`, () => {
      assert.throws(() => parseConfig(input), (err: unknown) => err instanceof ConfigError && re.test(err.message));
    });
  }

  it('accepts sane values at the edges', () => {
    const c = parseConfig({ training: { rounds: 100_000 }, strategies: { incremental: { validationSplit: 0.5 } }, pipeline: { schedule: '*/15 0-23/2 1,15 JAN-jun mon-fri', layout: { modelsPrefix: 'team/models/' } } });
    assert.equal(c.training.rounds, 100_000);
  });
});

describe('cronProblem', () => {
  const ok = ['0 2 * * 1', '* * * * *', '*/5 * * * *', '0 0 1 1 0', '59 23 31 12 7', '0 9-17 * * MON-FRI', '0,30 * * * *', '5/10 * * * *'];
  const bad = ['', '0 2 * *', '0 2 * * 1 2026', '60 * * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '*/0 * * * *', '5-1 * * * *', '1,,2 * * * *', 'a * * * *', '* * * FOO *', '1-2-3 * * * *', '*/5/2 * * * *'];
  for (const e of ok) it(`accepts "${e}"`, () => assert.equal(cronProblem(e), null));
  for (const e of bad) it(`rejects "${e}"`, () => assert.notEqual(cronProblem(e), null));
});
