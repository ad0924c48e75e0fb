import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { FEATURE_COLUMNS, FEATURE_COUNT, FEATURE_NAMES } from '../../../functions/src/data/features.ts';
import { histogram, type ReferenceStats } from '../../../functions/src/models/reference-stats.ts';
import { assessDrift, binSample, type DriftAssessment } from '../../../functions/src/stages/decide/drift-assessment.ts';
import { driftLevel } from '../../../functions/src/stages/decide/drift.ts';
import { rng } from '../../../functions/src/stages/train/random.ts';
import { psiNoise } from '../../../functions/src/stats/psi-noise.ts';

const cfg = parseConfig({}).triggers.drift;

/** `rows` feature rows: every feature standard normal plus `shift` on the first three. */
function sample(rows: number, seed: number, shift = 0): { rows: number; values: Float32Array } {
  const r = rng(seed, 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const values = new Float32Array(rows * FEATURE_COUNT);
  for (let i = 0; i < rows; i++) for (let c = 0; c < FEATURE_COUNT; c++) values[i * FEATURE_COUNT + c] = normal() + (c < 3 ? shift : 0);
  return { rows, values };
}

/** A reference frozen from a sample, as training freezes one (ten quantile bins per feature). */
function referenceOf(s: { rows: number; values: Float32Array }): ReferenceStats {
  const features = Object.fromEntries(
    FEATURE_COLUMNS.map((col, c) => [col, histogram(Float64Array.from({ length: s.rows }, (_, i) => s.values[i * FEATURE_COUNT + c]))]),
  );
  return { rows: s.rows, predictionRows: s.rows, bins: 10, features, targets: { classes: {}, vars: {} }, predictions: { classes: { css_class_theme: { light: 0.6, dark: 0.35, 'high-contrast': 0.05 } }, vars: {} } };
}

describe('drift trigger: sample-size aware PSI', () => {
  for (const [label, n, N] of [['small counts', 60, 120], ['large counts', 20_000, 20_000]] as const) {
    it(`two samples of one distribution do not fire (${label}: ${n} vs ${N})`, () => {
      const ref = referenceOf(sample(N, 1));
      const a = assessDrift(ref, binSample(ref, sample(n, 2)), { css_class_theme: { light: Math.round(0.6 * n), dark: Math.round(0.35 * n), 'high-contrast': n - Math.round(0.6 * n) - Math.round(0.35 * n) } }, cfg.significanceLevel);
      const { level } = driftLevel(a, cfg, null);
      assert.equal(level, 'ok', a.features.slice(0, 3).map((f) => `${f.name} ${f.psi} p ${f.pAdjusted}`).join('; '));
      if (n < 100) {
        // At these counts noise alone makes PSIs above the 0.2 threshold: a plain threshold would fire.
        assert.ok(a.features[0].psi > cfg.featureThresholdPsi, `largest PSI ${a.features[0].psi}`);
        assert.ok(a.features[0].noisePsi > 0.1);
      } else {
        assert.ok(a.features[0].psi < 0.01);
      }
    });
  }

  it('a shifted sample fires, naming the drifting features first with their values', () => {
    const ref = referenceOf(sample(5000, 1));
    const a = assessDrift(ref, binSample(ref, sample(2000, 3, 0.8)), null, cfg.significanceLevel);
    const { level } = driftLevel(a, cfg, null);
    assert.equal(level, 'fire');
    assert.deepEqual(new Set(a.features.slice(0, 3).map((f) => f.name)), new Set(FEATURE_NAMES.slice(0, 3)));
    for (const f of a.features.slice(0, 3)) assert.ok(f.psi > 0.2 && f.pAdjusted < 1e-6, `${f.name} ${f.psi}`);
    for (const f of a.features.slice(3)) assert.ok(f.psi < 0.05, `${f.name} ${f.psi}`);
  });

  it('a shifted predicted class distribution fires on its own', () => {
    const ref = referenceOf(sample(5000, 1));
    const a = assessDrift(ref, binSample(ref, sample(3000, 4)), { css_class_theme: { light: 1200, dark: 1650, 'high-contrast': 150 } }, cfg.significanceLevel);
    assert.equal(a.predictions[0].name, 'css_class_theme');
    assert.ok(a.predictions[0].psi > cfg.predictionThresholdPsi);
    assert.equal(driftLevel(a, cfg, null).level, 'fire');
  });

  it('the expected noise PSI is (k − 1)(1/n + 1/N), and a p-value near 1 at that level is not significant', () => {
    const noise = psiNoise(0.01, 10, 1000, 1000, 0.01);
    assert.ok(Math.abs(noise.expected - 9 * 0.002) < 1e-12);
    assert.ok(noise.critical > noise.expected);
    assert.ok(noise.pValue > 0.5);
    assert.ok(psiNoise(0.1, 10, 1000, 1000, 0.01).pValue < 1e-6);
  });
});

describe('drift trigger: levels and hysteresis', () => {
  /** An assessment with one significant feature at `psi`. */
  const one = (psi: number): DriftAssessment => ({
    features: [{ name: 'viewport_width', kind: 'feature', psi, bins: 10, n: 5000, referenceN: 5000, noisePsi: 0.004, criticalPsi: 0.01, pValue: 1e-9, pAdjusted: 1e-8 }],
    predictions: [],
  });
  const cases: Array<[string, number, 'ok' | 'warn' | 'fire' | null, 'ok' | 'warn' | 'fire']> = [
    ['under warn', 0.05, null, 'ok'],
    ['between warn and fire, nothing before', 0.15, null, 'warn'],
    ['between warn and fire after a warning', 0.15, 'warn', 'warn'],
    ['between warn and fire after firing: keeps firing', 0.15, 'fire', 'fire'],
    ['back under warn after firing: stops', 0.08, 'fire', 'ok'],
    ['above fire', 0.25, null, 'fire'],
  ];
  for (const [label, psi, previous, want] of cases) {
    it(`${label} (PSI ${psi}, previous ${previous}) → ${want}`, () => {
      assert.equal(driftLevel(one(psi), cfg, previous).level, want);
    });
  }

  it('a value hovering around the threshold does not flap between checks', () => {
    let previous: 'ok' | 'warn' | 'fire' | null = null;
    const seen: string[] = [];
    for (const psi of [0.21, 0.19, 0.205, 0.18, 0.21]) {
      previous = driftLevel(one(psi), cfg, previous).level;
      seen.push(previous);
    }
    assert.deepEqual(seen, ['fire', 'fire', 'fire', 'fire', 'fire']);
  });

  it('an ignored feature (a session counter) never counts', () => {
    const a = one(3);
    a.features[0].name = 'previous_sessions_log1p';
    assert.equal(driftLevel(a, cfg, null).level, 'ok');
  });

  it('an insignificant PSI does not count however large', () => {
    const a = one(0.5);
    a.features[0].pAdjusted = 0.2;
    assert.equal(driftLevel(a, cfg, null).level, 'ok');
  });
});
