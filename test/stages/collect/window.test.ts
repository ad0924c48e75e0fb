import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../functions/src/shared/errors.ts';
import { resolveWindow } from '../../../functions/src/stages/collect/window.ts';

const NOW = new Date('2026-11-27T08:30:00.000Z');
const iso = (w: { start: Date; end: Date }) => [w.start.toISOString(), w.end.toISOString()];

describe('collection window', () => {
  it('defaults to the last 7 days up to now', () => {
    assert.deepEqual(iso(resolveWindow({}, NOW)), ['2026-11-20T08:30:00.000Z', '2026-11-27T08:30:00.000Z']);
  });
  it('honours --days-back', () => {
    assert.deepEqual(iso(resolveWindow({ daysBack: 30 }, NOW)), ['2026-10-28T08:30:00.000Z', '2026-11-27T08:30:00.000Z']);
  });
  it('treats --end-date as an inclusive UTC day', () => {
    assert.deepEqual(iso(resolveWindow({ startDate: '2026-11-01', endDate: '2026-11-07' }, NOW)), ['2026-11-01T00:00:00.000Z', '2026-11-08T00:00:00.000Z']);
  });
  it('counts --days-back from --end-date when no start is given', () => {
    assert.deepEqual(iso(resolveWindow({ endDate: '2026-11-07', daysBack: 2 }, NOW)), ['2026-11-06T00:00:00.000Z', '2026-11-08T00:00:00.000Z']);
  });
  it('runs from --start-date to now without --end-date', () => {
    assert.deepEqual(iso(resolveWindow({ startDate: '2026-11-25' }, NOW)), ['2026-11-25T00:00:00.000Z', '2026-11-27T08:30:00.000Z']);
  });
  const bad: Array<[string, Parameters<typeof resolveWindow>[0], RegExp]> = [
    ['a malformed date', { startDate: '11/01/2026' }, /--start-date: expected YYYY-MM-DD/],
    ['a non-existent day', { endDate: '2026-02-30' }, /--end-date: 2026-02-30 is not a calendar day/],
    ['start after end', { startDate: '2026-11-08', endDate: '2026-11-01' }, /Empty collection window/],
    ['zero days back', { daysBack: 0 }, /--days-back/],
  ];
  for (const [name, req, re] of bad) {
    it(`rejects ${name}`, () => assert.throws(() => resolveWindow(req, NOW), (e: unknown) => e instanceof ConfigError && re.test(e.message)));
  }
});
