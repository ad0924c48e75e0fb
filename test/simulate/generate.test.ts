import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InteractionLogSchema, type InteractionLog } from '../../functions/src/data/log-schema.ts';
import { FEATURE_COUNT, countOutOfRange, prepareFeaturesV2 } from '../../functions/src/data/features.ts';
import { inferTargets } from '../../functions/src/data/targets.ts';
import { newSimulationStats, simulateLogs, simulateSessions } from '../../functions/src/simulate/generate.ts';
import { MALFORMED_KINDS } from '../../functions/src/simulate/malformed.ts';

const SMALL = { users: 60, sessionsPerDay: 2, days: 5, startDate: '2026-03-01', seed: 11 };

describe('simulateLogs', () => {
  it('produces exactly users × sessionsPerDay × days documents, all valid, ids unique', () => {
    const logs = [...simulateLogs(SMALL)];
    assert.equal(logs.length, 60 * 2 * 5);
    assert.equal(new Set(logs.map((l) => l.id)).size, logs.length);
    for (const l of logs) {
      const r = InteractionLogSchema.safeParse(l.data);
      assert.ok(r.success, `${l.id}: ${!r.success && JSON.stringify(r.error.issues)}`);
      assert.equal(r.data.session_id, l.id);
      assert.equal(typeof (l.data as { timestamp: unknown }).timestamp, 'string');
    }
  });

  it('same seed → identical documents; another seed → different ones', () => {
    assert.deepEqual([...simulateLogs(SMALL)], [...simulateLogs(SMALL)]);
    const other = [...simulateLogs({ ...SMALL, seed: 12 })];
    assert.notDeepEqual(other.map((l) => l.data), [...simulateLogs(SMALL)].map((l) => l.data));
  });

  it('ids are deterministic: seed, day and rank in the day', () => {
    const first = simulateLogs(SMALL).next().value!;
    assert.equal(first.id, 'sim11-20260301-000000');
  });

  it('timestamps lie in the simulated days, ascending within the stream; local time matches the offset', () => {
    const logs = [...simulateLogs(SMALL)].map((l) => InteractionLogSchema.parse(l.data));
    const start = Date.parse('2026-03-01T00:00:00Z');
    let prev = -Infinity;
    for (const l of logs) {
      assert.ok(l.timestamp >= start && l.timestamp < start + 5 * 86_400_000);
      assert.ok(l.timestamp >= prev);
      prev = l.timestamp;
      if (l.context.timezone_offset_min !== undefined) {
        const local = new Date(l.timestamp + l.context.timezone_offset_min * 60_000);
        assert.equal(l.context.local_weekday, local.getUTCDay());
        assert.equal(Math.floor(l.context.local_hour), local.getUTCHours());
      }
    }
  });

  it('every simulated context gives features inside the spec ranges', () => {
    const counts = new Uint32Array(FEATURE_COUNT);
    const row = new Float64Array(FEATURE_COUNT);
    let missing = 0;
    for (const l of simulateLogs({ ...SMALL, users: 300 })) {
      prepareFeaturesV2(InteractionLogSchema.parse(l.data).context, row);
      countOutOfRange(row, counts);
      if (row.some(Number.isNaN)) missing++;
    }
    assert.deepEqual([...counts], new Array(FEATURE_COUNT).fill(0));
    assert.ok(missing > 0, 'optional inputs are sometimes absent');
  });

  it('previous_sessions counts each user\'s earlier sessions', () => {
    const byUser = new Map<string, number[]>();
    for (const l of simulateLogs(SMALL)) {
      const d = l.data as InteractionLog;
      byUser.set(d.user_id, [...(byUser.get(d.user_id) ?? []), d.context.previous_sessions]);
    }
    for (const [user, seq] of byUser) assert.deepEqual(seq, seq.map((_, i) => i), user);
  });
});

describe('short, odd and malformed sessions', () => {
  it('about shortSessionRate of sessions are shorter than 30 s, the rest at least 30 s', () => {
    const stats = newSimulationStats();
    let short = 0;
    for (const l of simulateLogs({ ...SMALL, users: 200, shortSessionRate: 0.1 }, stats)) {
      const d = (l.data as InteractionLog).session_duration;
      if (d < 30_000) short++;
    }
    assert.equal(short, stats.shortSessions);
    assert.ok(Math.abs(short / stats.logs - 0.1) < 0.03, `${short}/${stats.logs}`);
  });

  it('badLogRate damages that share of documents, every one invalid, the others unchanged', () => {
    const clean = [...simulateLogs({ ...SMALL, users: 200 })];
    const stats = newSimulationStats();
    const dirty = [...simulateSessions({ ...SMALL, users: 200, badLogRate: 0.05 }, stats)];
    assert.equal(dirty.length, clean.length);
    let bad = 0;
    dirty.forEach((s, i) => {
      if (s.malformed) {
        bad++;
        assert.ok(MALFORMED_KINDS.includes(s.malformed));
        assert.equal(InteractionLogSchema.safeParse(s.raw.data).success, false, s.malformed);
      } else assert.deepEqual(s.raw, clean[i]);
    });
    assert.equal(bad, stats.badLogs);
    assert.ok(bad / dirty.length > 0.03 && bad / dirty.length < 0.07, String(bad));
  });

  it('badLogRate 0 (the default) writes no malformed document', () => {
    const stats = newSimulationStats();
    for (const _ of simulateLogs(SMALL, stats));
    assert.equal(stats.badLogs, 0);
  });

  it('idle and bot sessions are rejected by the target rules for the reasons the stats say', () => {
    const reasons: Record<string, number> = {};
    const stats = newSimulationStats();
    for (const s of simulateSessions({ ...SMALL, users: 400 }, stats)) {
      if (s.kind !== 'idle' && s.kind !== 'bot') continue;
      const t = inferTargets(InteractionLogSchema.parse(s.raw.data));
      assert.equal(t.ok, false, s.kind);
      if (!t.ok) reasons[t.reason] = (reasons[t.reason] ?? 0) + 1;
    }
    assert.equal(reasons.no_engagement ?? 0, stats.idleSessions);
    assert.equal(reasons.bot_like ?? 0, stats.botSessions);
    assert.ok(stats.idleSessions > 0);
  });
});

describe('behaviour is consistent with the target rules', () => {
  const sessions = [...simulateSessions({ users: 300, sessionsPerDay: 3, days: 4, seed: 5, labelNoise: 0, reactionRate: 1 })];
  const normal = sessions.filter((s) => s.kind === 'normal').map((s) => ({ s, t: inferTargets(InteractionLogSchema.parse(s.raw.data)) }));

  it('with no label noise and full reaction, inferred classes equal the hidden preferences in ≥ 97 % of sessions', () => {
    const agree = { density: 0, font: 0, theme: 0 };
    for (const { s, t } of normal) {
      assert.ok(t.ok, !t.ok ? t.reason : '');
      if (t.classes.css_class_density === s.truth.density) agree.density++;
      if (t.classes.css_class_font === s.truth.font) agree.font++;
      if (t.classes.css_class_theme === s.truth.theme) agree.theme++;
    }
    for (const [k, v] of Object.entries(agree)) assert.ok(v / normal.length >= 0.97, `${k}: ${v}/${normal.length}`);
  });

  it('inferred font scale tracks the hidden one (correlation > 0.6)', () => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const { s, t } of normal) if (t.ok) (xs.push(s.truth.vars[0]), ys.push(t.vars[0]));
    const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    xs.forEach((x, i) => {
      sxy += (x - mx) * (ys[i] - my);
      sxx += (x - mx) ** 2;
      syy += (ys[i] - my) ** 2;
    });
    const r = sxy / Math.sqrt(sxx * syy);
    assert.ok(r > 0.6, `r = ${r}`);
  });
});
