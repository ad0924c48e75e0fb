/**
 * A realistic comparison report for the chart, page and export tests: two versions scored on the
 * same 2,000 rows, the 3 classifiers and 8 regressors of the model. The numbers agree with each
 * other the way the compare stage's would: accuracies are the confusion matrices' traces,
 * residual histograms, quantiles and RMSEs come from the same seeded residuals, McNemar's
 * discordant pairs add up to the accuracy change, Holm's correction is applied across the 11
 * p-values and a significant target's interval excludes 0. B wins three targets, A one.
 */
import quantile from '@stdlib/stats-base-dists-normal-quantile';
import { FEATURE_NAMES } from '../../../functions/src/data/features.ts';
import { CLASS_LABELS, VAR_SPECS, type TargetClassColumn } from '../../../functions/src/data/targets.ts';
import {
  ComparisonReportSchema,
  type ComparisonReport,
  type TargetComparison,
} from '../../../functions/src/stages/compare/comparison-report.ts';
import type { CalibrationBin, ClassEvaluation, Importance, VarEvaluation } from '../../../functions/src/stages/evaluate/evaluation-report.ts';

/** Rows both versions were scored on. */
export const FIXTURE_ROWS = 2000;
/** Equal-width bins of the reliability diagrams (the lowest three are empty: top-label confidence of 3 classes is ≥ 1/3). */
export const CALIBRATION_BINS = 10;
/** Bins of the residual histograms. */
export const HISTOGRAM_BINS = 24;
/** Significance level of the fixture's tests. */
export const ALPHA = 0.05;

/** Options of the fixture. */
export interface FixtureOptions {
  versionA?: string;
  versionB?: string;
}

/** A small seeded generator (mulberry32), so the fixture is the same on every call. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Gains of a target's model; `drift` > 0 moves each gain by up to that fraction (the other version of the same target). */
function importance(seed: number, drift: number): Importance {
  const next = random(seed);
  const wobble = random(seed + 7919);
  const raw = FEATURE_NAMES.map((name, i) => ({ feature: `feature_${i}`, name, gain: next() ** 3 * (1 + drift * (2 * wobble() - 1)) }));
  const total = raw.reduce((s, f) => s + f.gain, 0);
  return raw.map((f) => ({ ...f, gain: f.gain / total })).sort((x, y) => y.gain - x.gain);
}

interface ClassPlan {
  target: TargetClassColumn;
  trueShare: number[];
  accuracy: [number, number];
  p: number;
  test: 'mcnemar-exact' | 'mcnemar-chi2';
  /** Rows right under exactly one version besides the net change. */
  churn: number;
}

const CLASS_PLANS: ClassPlan[] = [
  { target: 'css_class_density', trueShare: [0.3, 0.5, 0.2], accuracy: [0.78, 0.83], p: 0.0004, test: 'mcnemar-chi2', churn: 120 },
  { target: 'css_class_font', trueShare: [0.25, 0.55, 0.2], accuracy: [0.71, 0.72], p: 0.41, test: 'mcnemar-chi2', churn: 150 },
  { target: 'css_class_theme', trueShare: [0.6, 0.3, 0.1], accuracy: [0.9, 0.905], p: 0.63, test: 'mcnemar-exact', churn: 4 },
];

function calibration(accuracy: number, next: () => number): CalibrationBin[] {
  const weights = [0, 0, 0, 0.03, 0.06, 0.09, 0.13, 0.18, 0.23, 0.28];
  let left = FIXTURE_ROWS;
  return weights.map((w, k) => {
    const count = k === weights.length - 1 ? left : Math.round(w * FIXTURE_ROWS);
    left -= count;
    const lower = k / CALIBRATION_BINS;
    const upper = (k + 1) / CALIBRATION_BINS;
    if (count === 0) return { lower, upper, count, meanConfidence: null, accuracy: null };
    const confidence = lower + (0.3 + 0.4 * next()) / CALIBRATION_BINS;
    const offset = (accuracy - 0.8) * 0.3 + (next() - 0.5) * 0.08;
    return { lower, upper, count, meanConfidence: round4(confidence), accuracy: round4(Math.min(1, Math.max(0, confidence + offset))) };
  });
}

function classEvaluation(plan: ClassPlan, accuracy: number, seed: number, drift: number): ClassEvaluation {
  const next = random(seed);
  const labels = [...CLASS_LABELS[plan.target]];
  const support = plan.trueShare.map((s) => Math.round(s * FIXTURE_ROWS));
  support[support.length - 1] = FIXTURE_ROWS - support.slice(0, -1).reduce((s, n) => s + n, 0);
  const confusion = support.map((n, i) => {
    const right = Math.round(n * accuracy);
    const toFirstOther = Math.round((n - right) * (0.3 + 0.4 * next()));
    const others = labels.map((_, j) => j).filter((j) => j !== i);
    return labels.map((_, j) => (j === i ? right : j === others[0] ? toFirstOther : n - right - toFirstOther));
  });
  const predicted = labels.map((_, j) => confusion.reduce((s, row) => s + row[j], 0));
  const perClass = labels.map((label, i) => {
    const precision = predicted[i] > 0 ? confusion[i][i] / predicted[i] : 0;
    const recall = confusion[i][i] / support[i];
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision: round4(precision), recall: round4(recall), f1: round4(f1), support: support[i] };
  });
  const bins = calibration(accuracy, next);
  const ece = bins.reduce((s, b) => (b.count > 0 ? s + (b.count / FIXTURE_ROWS) * Math.abs(b.accuracy! - b.meanConfidence!) : s), 0);
  const exact = confusion.reduce((s, row, i) => s + row[i], 0) / FIXTURE_ROWS;
  return {
    kind: 'class',
    rows: FIXTURE_ROWS,
    skipped: 0,
    labels,
    accuracy: round4(exact),
    balancedAccuracy: round4(mean(perClass.map((c) => c.recall))),
    macroF1: round4(mean(perClass.map((c) => c.f1))),
    logloss: round4(-Math.log(exact) * 1.6),
    brier: round4((1 - exact) * 0.7),
    ece: round4(ece),
    confusion,
    perClass,
    calibration: bins,
    predictedShare: Object.fromEntries(labels.map((l, j) => [l, round4(predicted[j] / FIXTURE_ROWS)])),
    trueShare: Object.fromEntries(labels.map((l, i) => [l, round4(support[i] / FIXTURE_ROWS)])),
    importance: importance(1000 + CLASS_PLANS.indexOf(plan), drift),
  };
}

interface VarPlan {
  index: number;
  rmse: [number, number];
  p: number;
}

const VAR_PLANS: VarPlan[] = [
  { index: 0, rmse: [0.121, 0.109], p: 0.001 },
  { index: 1, rmse: [0.082, 0.081], p: 0.52 },
  { index: 2, rmse: [0.094, 0.09], p: 0.09 },
  { index: 3, rmse: [4.8, 4.5], p: 0.003 },
  { index: 4, rmse: [2.9, 2.95], p: 0.44 },
  { index: 5, rmse: [61, 66], p: 0.002 },
  { index: 6, rmse: [0.11, 0.108], p: 0.7 },
  { index: 7, rmse: [0.14, 0.139], p: 0.8 },
];

function varEvaluation(plan: VarPlan, sd: number, seed: number, drift: number): VarEvaluation {
  const next = random(seed);
  const spec = VAR_SPECS[plan.index];
  const truthSd = (spec.max - spec.min) / 5;
  const residuals = Array.from({ length: FIXTURE_ROWS }, () => sd * gaussian(next) + sd * 0.05);
  const sorted = [...residuals].sort((x, y) => x - y);
  const q = (p: number) => round4(sorted[Math.floor(p * (FIXTURE_ROWS - 1))]);
  const rmse = Math.sqrt(mean(residuals.map((r) => r * r)));
  const width = (6 * truthSd) / HISTOGRAM_BINS;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, k) => round4(-3 * truthSd + k * width));
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const r of residuals) counts[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((r + 3 * truthSd) / width)))]++;
  return {
    kind: 'var',
    rows: FIXTURE_ROWS,
    skipped: 0,
    rmse: round4(rmse),
    mae: round4(mean(residuals.map(Math.abs))),
    r2: round4(1 - (rmse * rmse) / (truthSd * truthSd)),
    residualQuantiles: { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) },
    residualHistogram: { edges, counts },
    importance: importance(2000 + plan.index, drift),
  };
}

/** A 95% interval of `estimate` whose two-sided normal test gives `p`. */
function interval(metric: string, estimate: number, p: number) {
  const se = Math.max(Math.abs(estimate), 1e-6) / quantile(1 - p / 2, 0, 1);
  const half = quantile(0.975, 0, 1) * se;
  return { metric, estimate: round4(estimate), lower: round4(estimate - half), upper: round4(estimate + half), level: 0.95 };
}

/** Holm's step-down adjustment of p-values (same order as given). */
function holm(ps: number[]): number[] {
  const order = ps.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(ps.length);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    adjusted[i] = round4(running);
  });
  return adjusted;
}

/** The fixture report (a fresh object on every call; tests may change it). */
export function comparisonFixture(opts: FixtureOptions = {}): ComparisonReport {
  const targets: Record<string, Omit<TargetComparison, 'p_value_adjusted' | 'significant' | 'winner'>> = {};
  const consistency: ComparisonReport['consistency'] = {};
  CLASS_PLANS.forEach((plan, k) => {
    const a = classEvaluation(plan, plan.accuracy[0], 100 + k, 0);
    const b = classEvaluation(plan, plan.accuracy[1], 200 + k, 0.4);
    const net = Math.round((b.accuracy - a.accuracy) * FIXTURE_ROWS);
    const discordant = { a_only: plan.churn, b_only: plan.churn + net };
    const diff = Object.fromEntries((['accuracy', 'balancedAccuracy', 'macroF1', 'logloss', 'brier', 'ece'] as const).map((m) => [m, round4(b[m] - a[m])]));
    targets[plan.target] = {
      kind: 'class',
      metric: 'accuracy',
      a,
      b,
      diff,
      test: plan.test,
      p_value: plan.p,
      discordant,
      intervals: [interval('accuracy', diff.accuracy, plan.p), interval('logloss', diff.logloss, Math.min(1, plan.p * 1.5))],
    };
    consistency[plan.target] = { changedShare: round4((discordant.a_only + discordant.b_only) / FIXTURE_ROWS), meanAbsDiff: null, rows: FIXTURE_ROWS };
  });
  VAR_PLANS.forEach((plan) => {
    const a = varEvaluation(plan, plan.rmse[0], 300 + plan.index, 0);
    const b = varEvaluation(plan, plan.rmse[1], 350 + plan.index, 0.4);
    const diff = { rmse: round4(b.rmse - a.rmse), mae: round4(b.mae - a.mae), r2: round4(b.r2 - a.r2) };
    const target = `css_var_${plan.index}`;
    targets[target] = { kind: 'var', metric: 'rmse', a, b, diff, test: 'paired-bootstrap', p_value: plan.p, discordant: null, intervals: [interval('rmse', diff.rmse, plan.p)] };
    consistency[target] = { changedShare: null, meanAbsDiff: round4(Math.abs(diff.rmse) + a.rmse * 0.3), rows: FIXTURE_ROWS };
  });

  const names = Object.keys(targets);
  const adjusted = holm(names.map((t) => targets[t].p_value));
  const full: Record<string, TargetComparison> = {};
  names.forEach((name, i) => {
    const t = targets[name];
    const significant = adjusted[i] < ALPHA;
    const bBetter = t.kind === 'class' ? t.diff.accuracy > 0 : t.diff.rmse < 0;
    full[name] = { ...t, p_value_adjusted: adjusted[i], significant, winner: significant ? (bBetter ? 'b' : 'a') : 'none' };
  });
  const aWins = names.filter((n) => full[n].winner === 'a');
  const bWins = names.filter((n) => full[n].winner === 'b');
  const evaluations = Object.values(full);
  const means = (side: 'a' | 'b') => {
    const es = evaluations.map((t) => t[side]);
    const classes = es.filter((e): e is ClassEvaluation => e.kind === 'class');
    const vars = es.filter((e): e is VarEvaluation => e.kind === 'var');
    return { meanAccuracy: round4(mean(classes.map((e) => e.accuracy))), meanLogloss: round4(mean(classes.map((e) => e.logloss))), meanRmse: round4(mean(vars.map((e) => e.rmse))) };
  };
  const versionA = opts.versionA ?? 'v_20261101_020000';
  const versionB = opts.versionB ?? 'v_20261128_020000';

  return ComparisonReportSchema.parse({
    schemaVersion: 1,
    createdAt: '2026-11-28T02:14:07.000Z',
    model_a: { ref: 'current', version: versionA, source: `models/${versionA}`, createdAt: '2026-11-01T02:03:11.000Z', strategy: 'full' },
    model_b: { ref: versionB, version: versionB, source: `models/${versionB}`, createdAt: '2026-11-28T02:09:45.000Z', strategy: 'incremental' },
    data: { path: 'data/production_data.csv', sha256: '9f2c1e7a4b0d3c58e6a1f2b7c9d0e4a35b6c7d8e9f0a1b2c3d4e5f60718293a4', rows: FIXTURE_ROWS },
    rows: FIXTURE_ROWS,
    alpha: ALPHA,
    correction: 'holm',
    bootstrap: { resamples: 1000, seed: 42 },
    targets: full,
    compatibility: { compatible: true, reasons: [], checks: { features: true, targets: true, labels: true, objectives: true, outputShapes: true } },
    consistency,
    latency: {
      a: { p50MsPer1k: 4.21, p95MsPer1k: 5.07, p50MsPerRow: 0.031, cpuMsPer1k: 4.2, repeats: 20 },
      b: { p50MsPer1k: 4.48, p95MsPer1k: 5.36, p50MsPerRow: 0.033, cpuMsPer1k: 4.5, repeats: 20 },
    },
    means: { a: means('a'), b: means('b') },
    summary: {
      winner: bWins.length > 0 && aWins.length === 0 ? 'b' : aWins.length > 0 && bWins.length === 0 ? 'a' : 'none',
      a_wins: aWins,
      b_wins: bWins,
      verdict: `No overall winner: B is significantly better on ${bWins.length} targets (${bWins.join(', ')}), A on ${aWins.length} (${aWins.join(', ')}).`,
    },
    report: null,
  });
}
