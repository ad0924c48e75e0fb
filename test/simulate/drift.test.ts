import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InteractionLogSchema } from '../../functions/src/data/log-schema.ts';
import { simulateSessions, newSimulationStats } from '../../functions/src/simulate/generate.ts';
import { parseSimulationOptions } from '../../functions/src/simulate/options.ts';

const BASE = { users: 300, sessionsPerDay: 2, days: 8, startDate: '2026-01-11', seed: 3 };
const FROM = Date.parse('2026-01-15T00:00:00Z');

/** Share of sessions before / after the drift date satisfying `pred`. */
function shares(opts: Parameters<typeof simulateSessions>[0], pred: (s: ReturnType<typeof collect>[number]) => boolean) {
  const all = collect(opts);
  const before = all.filter((s) => s.log.timestamp < FROM);
  const after = all.filter((s) => s.log.timestamp >= FROM);
  return { before: before.filter(pred).length / before.length, after: after.filter(pred).length / after.length, all };
}

function collect(opts: Parameters<typeof simulateSessions>[0]) {
  return [...simulateSessions(opts)].map((s) => ({ ...s, log: InteractionLogSchema.parse(s.raw.data) }));
}

describe('drift', () => {
  it('without drift, nothing is marked drifted and the mix is stable', () => {
    const stats = newSimulationStats();
    for (const _ of simulateSessions(BASE, stats));
    assert.equal(stats.driftedSessions, 0);
    const s = shares(BASE, (x) => x.log.context.device_class === 'mobile');
    assert.ok(Math.abs(s.before - s.after) < 0.08, JSON.stringify({ b: s.before, a: s.after }));
  });

  it('contextShift moves the context mix (more mobile) from the drift date on, and only then', () => {
    const opts = { ...BASE, drift: { from: '2026-01-15', contextShift: 0.8 } };
    const s = shares(opts, (x) => x.log.context.device_class === 'mobile');
    assert.ok(s.after > s.before + 0.12, JSON.stringify({ b: s.before, a: s.after }));
    for (const x of s.all) assert.equal(x.drifted, x.log.timestamp >= FROM);
  });

  it('preferenceShift moves the hidden preferences (more dark) in the same contexts', () => {
    const opts = { ...BASE, drift: { from: '2026-01-15', preferenceShift: 0.8 } };
    const s = shares(opts, (x) => x.truth.theme === 'dark');
    assert.ok(s.after > s.before + 0.15, JSON.stringify({ b: s.before, a: s.after }));
    const ctx = shares(opts, (x) => x.log.context.device_class === 'mobile');
    assert.ok(Math.abs(ctx.before - ctx.after) < 0.08, 'context mix unchanged');
  });

  it('the drift date must be a calendar day and shifts stay in [0, 1]', () => {
    assert.throws(() => parseSimulationOptions({ drift: { from: 'soon' } }));
    assert.throws(() => parseSimulationOptions({ drift: { from: '2026-01-15', contextShift: 2 } }));
    assert.equal(parseSimulationOptions({ drift: { from: '2026-01-15' } }).drift?.preferenceShift, 0);
  });
});
