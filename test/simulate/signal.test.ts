/**
 * The simulated logs carry a learnable signal: a per-bucket lookup table on two or three
 * features, fitted on the first days and scored on the last ones, beats the majority class by
 * a clear margin on every class target. No engine involved; if this fails, no model can learn.
 *
 * The logs are those of a store with no deployed version: every session is served the default
 * stylesheet (plus the simulated app's exploration). A user who does not react keeps the default
 * class as their label, which inflates the majority class (font: medium, 56 % of labels instead
 * of 51 % under the former rule-based serving), so the margin asked for is 5 points, not 10.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURE_COUNT, FEATURE_NAMES, prepareFeaturesV2 } from '../../functions/src/data/features.ts';
import { InteractionLogSchema } from '../../functions/src/data/log-schema.ts';
import { TARGET_CLASS_COLUMNS, inferTargets, type TargetClassColumn } from '../../functions/src/data/targets.ts';
import { simulateSessions } from '../../functions/src/simulate/generate.ts';

interface Row {
  x: Float64Array;
  y: Record<TargetClassColumn, string>;
  day: number;
}

const f = (name: string) => FEATURE_NAMES.indexOf(name);
const bucket = (v: number, step: number) => (Number.isNaN(v) ? 'NA' : String(Math.round(v / step)));

/** The few features each lookup table keys on. */
const KEYS: Record<TargetClassColumn, (x: Float64Array) => string> = {
  css_class_density: (x) => `${x[f('touch_primary')]}|${bucket(x[f('viewport_width_log2')], 0.5)}|${bucket(x[f('previous_sessions_log1p')], 1)}`,
  css_class_font: (x) => `${bucket(x[f('os_font_scale')], 0.1)}|${x[f('device_class')]}`,
  css_class_theme: (x) => `${x[f('color_scheme_preference')]}|${x[f('contrast_preference')]}|${x[f('hour_cos')] > 0 ? 'day' : 'night'}`,
};

function rows(opts: Parameters<typeof simulateSessions>[0]): Row[] {
  const out: Row[] = [];
  const start = Date.parse(`${opts?.startDate ?? '2026-01-01'}T00:00:00Z`);
  for (const s of simulateSessions(opts)) {
    const log = InteractionLogSchema.parse(s.raw.data);
    if (log.session_duration < 30_000) continue;
    const t = inferTargets(log);
    if (!t.ok) continue;
    out.push({ x: prepareFeaturesV2(log.context), y: t.classes, day: Math.floor((log.timestamp - start) / 86_400_000) });
  }
  return out;
}

function majorityOf(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}

/** Accuracy of the majority class and of the lookup table (fallback: majority) on `test`. */
function score(train: Row[], test: Row[], target: TargetClassColumn): { majority: number; lookup: number } {
  const majority = majorityOf(train.map((r) => r.y[target]));
  const groups = new Map<string, string[]>();
  for (const r of train) {
    const k = KEYS[target](r.x);
    const g = groups.get(k);
    if (g) g.push(r.y[target]);
    else groups.set(k, [r.y[target]]);
  }
  const table = new Map([...groups].map(([k, ls]) => [k, majorityOf(ls)]));
  let m = 0;
  let l = 0;
  for (const r of test) {
    if (r.y[target] === majority) m++;
    if ((table.get(KEYS[target](r.x)) ?? majority) === r.y[target]) l++;
  }
  return { majority: m / test.length, lookup: l / test.length };
}

describe('simulated logs carry a learnable signal', () => {
  const all = rows({ users: 400, sessionsPerDay: 3, days: 10, seed: 7 });
  const train = all.filter((r) => r.day < 7);
  const test = all.filter((r) => r.day >= 7);

  it('has enough usable rows on both sides of the split', () => {
    assert.ok(train.length > 5000 && test.length > 2000, `${train.length}/${test.length}`);
    assert.equal(all[0].x.length, FEATURE_COUNT);
  });

  for (const target of TARGET_CLASS_COLUMNS) {
    it(`${target}: a lookup table on a few features beats the majority class by ≥ 5 points on held-out days`, () => {
      const s = score(train, test, target);
      assert.ok(s.lookup >= s.majority + 0.05, `lookup ${s.lookup.toFixed(3)} vs majority ${s.majority.toFixed(3)}`);
    });
  }

  it('every class of every target occurs in at least 2 % of rows', () => {
    for (const target of TARGET_CLASS_COLUMNS) {
      const counts = new Map<string, number>();
      for (const r of all) counts.set(r.y[target], (counts.get(r.y[target]) ?? 0) + 1);
      assert.equal(counts.size, 3, target);
      for (const [label, c] of counts) assert.ok(c / all.length >= 0.02, `${target}=${label}: ${c}`);
    }
  });
});
