import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../functions/src/shared/errors.ts';
import { nextScheduledChecks } from '../../../functions/src/stages/report/next-check.ts';

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe('nextScheduledChecks', () => {
  const cases: Array<{ name: string; schedule: string; zone: string; after: string; next: string[] }> = [
    {
      name: 'the default: Mondays 02:00 UTC, strictly after the current slot',
      schedule: '0 2 * * 1',
      zone: 'Etc/UTC',
      after: '2026-03-02T02:00:00Z',
      next: ['2026-03-09T02:00:00.000Z', '2026-03-16T02:00:00.000Z', '2026-03-23T02:00:00.000Z'],
    },
    {
      name: 'Europe/Berlin across the spring change: 02:00 local is 01:00Z, then 00:00Z',
      schedule: '0 2 * * 1',
      zone: 'Europe/Berlin',
      after: '2026-03-20T00:00:00Z',
      next: ['2026-03-23T01:00:00.000Z', '2026-03-30T00:00:00.000Z', '2026-04-06T00:00:00.000Z'],
    },
    {
      name: 'America/New_York, daily at 06:30 local',
      schedule: '30 6 * * *',
      zone: 'America/New_York',
      after: '2026-07-01T12:00:00Z',
      next: ['2026-07-02T10:30:00.000Z', '2026-07-03T10:30:00.000Z', '2026-07-04T10:30:00.000Z'],
    },
    { name: 'steps and lists', schedule: '*/30 9,17 * * 1-5', zone: 'Etc/UTC', after: '2026-03-06T17:00:00Z', next: ['2026-03-06T17:30:00.000Z', '2026-03-09T09:00:00.000Z', '2026-03-09T09:30:00.000Z'] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(iso(nextScheduledChecks(c.schedule, c.zone, new Date(c.after))), c.next));
  }

  const bad: Array<[string, string, string, RegExp]> = [
    ['six fields (seconds): Cloud Scheduler takes five', '0 0 2 * * 1', 'Etc/UTC', /five-field/],
    ['App Engine syntax', 'every monday 02:00', 'Etc/UTC', /five-field/],
    ['a minute out of range', '61 2 * * 1', 'Etc/UTC', /invalid/],
    ['an unknown zone', '0 2 * * 1', 'Mars/Olympus', /time zone/],
  ];
  for (const [name, schedule, zone, message] of bad) {
    it(`rejects ${name} with a config error`, () => {
      assert.throws(() => nextScheduledChecks(schedule, zone, new Date('2026-03-02T00:00:00Z')), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }
});
