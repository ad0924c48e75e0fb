import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { DatasetProfile } from '../../../functions/src/stages/collect/dataset-profile.ts';
import { buildValidationReport, ValidationReportSchema, type SkipCounts } from '../../../functions/src/stages/collect/validation-report.ts';

const checks = parseConfig({}).validation.qualityChecks;

/** A profile of `n` rows cycling through every class (label indices), every optional feature present unless told. */
function profile(n: number, patch: (f: Float64Array, v: Float64Array, i: number) => void = () => {}): DatasetProfile {
  const p = new DatasetProfile();
  for (let i = 0; i < n; i++) {
    const f = Float64Array.from([10, 1.6, 2, 2, 0, 0.5, 0.5, 0, 1, 0, 0, 1, 1, 3, 0, 0, 2, 2, 1]);
    const v = Float64Array.from([1, 1.5, 1, 44, 8, 200, 1, 1]);
    patch(f, v, i);
    p.add(f, [i % 3, i % 3, i % 3], v);
  }
  return p;
}

function skips(read: number, invalid: Record<string, number> = {}, duplicates = 0): SkipCounts {
  return { read, invalid: new Map(Object.entries(invalid)), duplicates, uninferable: new Map([['bot_like', 1]]), filtered: new Map(), examples: [{ id: 'x', reason: 'bot_like' }] };
}

describe('validation report', () => {
  it('proceeds on a clean, balanced, large enough dataset', () => {
    const r = buildValidationReport(profile(1200), skips(1201), checks);
    assert.equal(r.verdict, 'proceed', r.reasons.join('; '));
    assert.deepEqual(ValidationReportSchema.parse(r), r);
    assert.equal(r.classBalance.css_class_theme['high-contrast'].count, 400);
    assert.equal(r.columns.length, 27);
    assert.equal(r.skipped.byReason.bot_like, 1);
  });

  it('aborts below minSamples and warns below warnSamples', () => {
    assert.equal(buildValidationReport(profile(99), skips(99), checks).verdict, 'abort');
    const r = buildValidationReport(profile(500), skips(500), checks);
    assert.equal(r.verdict, 'warn');
    assert.match(r.reasons.join(), /fewer than warnSamples 1000/);
    assert.equal(r.minimumSamples.ok, true);
  });

  it('aborts when a required feature is mostly missing, warns when some is', () => {
    const mostly = buildValidationReport(profile(1200, (f, _v, i) => void (i % 10 ? (f[0] = NaN) : 0)), skips(1200), checks);
    assert.equal(mostly.verdict, 'abort');
    assert.match(mostly.reasons[0], /feature_0 \(viewport_width_log2\) missing in 90\.0 %/);
    const some = buildValidationReport(profile(1200, (f, _v, i) => void (i % 4 ? 0 : (f[0] = NaN))), skips(1200), checks);
    assert.equal(some.verdict, 'warn');
  });

  it('does not hold optional features to the missing thresholds unless never present', () => {
    const r = buildValidationReport(profile(1200, (f, _v, i) => void (i % 10 ? (f[17] = NaN) : 0)), skips(1200), checks);
    assert.equal(r.verdict, 'proceed');
    assert.equal(r.columns[17].missing, 1080);
    const never = buildValidationReport(profile(1200, (f) => void (f[17] = NaN)), skips(1200), checks);
    assert.match(never.reasons.join(), /feature_17 .* never present/);
  });

  it('warns on out-of-range values, rare classes, duplicates and many invalid logs', () => {
    const oor = buildValidationReport(profile(1200, (f, v, i) => void (i === 0 ? ((f[3] = 7), (v[3] = 200)) : 0)), skips(1200), checks);
    assert.equal(oor.columns[3].outOfRange, 1);
    assert.equal(oor.columns[19 + 3].outOfRange, 1);
    assert.equal(oor.verdict, 'warn');
    const dup = buildValidationReport(profile(1200), skips(1300, {}, 100), checks);
    assert.equal(dup.duplicateSessions.count, 100);
    assert.match(dup.reasons.join(), /100 duplicate sessions/);
    const bad = buildValidationReport(profile(1200), skips(1400, { 'missing_field:context': 150, bad_timestamp: 50 }), checks);
    assert.equal(bad.logs.invalid, 200);
    assert.equal(bad.skipped.total, 201);
    assert.deepEqual(Object.keys(bad.skipped.byReason), ['missing_field:context', 'bad_timestamp', 'bot_like']);
    assert.match(bad.reasons.join(), /200 invalid logs skipped/);
    const p = new DatasetProfile();
    for (let i = 0; i < 1200; i++) p.add(new Float64Array(19).fill(1), [0, 0, i ? 0 : 1], Float64Array.from([1, 1.5, 1, 44, 8, 200, 1, 1]));
    assert.match(buildValidationReport(p, skips(1200), checks).reasons.join(), /css_class_theme=dark in only 0\.1 %/);
  });
});
