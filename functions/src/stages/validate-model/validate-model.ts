/**
 * The model-validation gate (the original's stage 6): the named performance tests
 * (`accuracy_test`, `latency_test`, `api_compatibility_test`) and quality checks
 * (`data_quality`, `feature_distribution`, `prediction_consistency`) on a candidate scored on
 * held-out rows, per target, against the serving version when there is one. Failures fail the
 * run and keep every pointer where it is; warnings are reported beside them.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { FEATURE_COLUMNS } from '../../data/features.ts';
import type { LoadedBundle } from '../../models/bundle.ts';
import { psiOfColumn } from '../../stats/psi.ts';
import type { ComparisonReport } from '../compare/comparison-report.ts';
import type { EvaluationReport } from '../evaluate/evaluation-report.ts';
import type { TrainingTable } from '../train/dataset.ts';
import { defaultTargets } from '../train/targets.ts';
import { MODEL_VALIDATION_SCHEMA_VERSION, type CheckResult, type ModelValidation } from './model-validation.ts';
import { targetRegressions } from './target-gate.ts';

/** What the gate looks at. */
export interface ValidateModelInput {
  candidate: { bundle: LoadedBundle; evaluation: EvaluationReport };
  /** The candidate against the serving version on the same held-out rows (null when nothing serves). */
  comparison: ComparisonReport | null;
  serving: LoadedBundle | null;
  /** The held-out rows (for the feature-distribution check). */
  heldOut: TrainingTable;
  /** Findings of the pre-training data-quality check. */
  dataIssues: readonly string[];
  reportPath?: string | null;
  now: Date;
  /**
   * Drift or a performance drop was detected before training: regressions against the serving
   * version warn instead of failing. That version is what the world drifted away from, and on
   * held-out rows it served itself the variables' late labels lean to its own answers (a user
   * who does not react keeps the served value), so the comparison favours it exactly when it is
   * stale. The absolute checks (minAccuracy, latency, compatibility, data quality) still fail.
   */
  driftDetected?: boolean;
}

const skipped = (why: string): CheckResult => ({ status: 'skipped', findings: [why], values: {} });

/** Run every enabled test and check. */
export function validateModel(config: RetrainingConfig, input: ValidateModelInput): ModelValidation {
  const perf = config.validation.performanceTests;
  const quality = config.validation.qualityChecks;
  const ev = input.candidate.evaluation;
  const cmp = input.comparison;
  const tests: Record<string, CheckResult> = {};
  // Regressions against a stale serving version after drift: reported as warnings, never failing.
  const excused: string[] = [];
  const byTarget: Record<string, string[]> = Object.fromEntries(Object.keys(ev.targets).map((t) => [t, []]));
  const fail = (test: string, target: string | null, finding: string) => {
    tests[test].findings.push(finding);
    tests[test].status = 'failed';
    if (target && byTarget[target]) byTarget[target].push(finding);
  };
  const warn = (test: string, finding: string) => {
    tests[test].findings.push(finding);
    if (tests[test].status === 'passed') tests[test].status = 'warning';
  };

  if (perf.tests.includes('accuracy_test')) {
    tests.accuracy_test = { status: 'passed', findings: [], values: {} };
    for (const [name, t] of Object.entries(ev.targets)) {
      if (t.kind !== 'class') continue;
      tests.accuracy_test.values[name] = t.accuracy;
      if (t.accuracy < perf.minAccuracy) fail('accuracy_test', name, `accuracy_test: ${name} accuracy ${t.accuracy.toFixed(4)} < minAccuracy ${perf.minAccuracy}`);
    }
    if (cmp) {
      for (const r of targetRegressions(cmp, perf, `serving ${cmp.model_a.version}`)) {
        if (input.driftDetected) excused.push(`accuracy_test: ${r.reason} (not failing: drift detected, ${cmp.model_a.version} is the stale version)`);
        else fail('accuracy_test', r.target, `accuracy_test: ${r.reason}`);
      }
    }
  }
  if (perf.tests.includes('latency_test')) {
    const cpu = ev.latency.cpuMsPer1k;
    tests.latency_test = { status: 'passed', findings: [], values: { cpuMsPer1k: cpu, p50MsPer1k: ev.latency.p50MsPer1k, p95MsPer1k: ev.latency.p95MsPer1k, maxLatencyMsPer1k: perf.maxLatencyMsPer1k } };
    if (cpu > perf.maxLatencyMsPer1k) fail('latency_test', null, `latency_test: ${cpu} ms of CPU per 1,000 rows (fastest of the repeats) > maxLatencyMsPer1k ${perf.maxLatencyMsPer1k}`);
  }
  if (perf.tests.includes('api_compatibility_test')) {
    tests.api_compatibility_test = { status: 'passed', findings: [], values: {} };
    const b = input.candidate.bundle;
    if (JSON.stringify(b.scaler.features) !== JSON.stringify(FEATURE_COLUMNS)) fail('api_compatibility_test', null, `api_compatibility_test: features are not the serving code's ${FEATURE_COLUMNS.length} columns feature_0…feature_${FEATURE_COLUMNS.length - 1}`);
    const expected = defaultTargets().map((t) => t.name);
    const names = b.labels.targets.map((t) => t.name);
    if (JSON.stringify(names) !== JSON.stringify(expected)) fail('api_compatibility_test', null, `api_compatibility_test: targets [${names.join(', ')}] are not the served [${expected.join(', ')}]`);
    if (cmp && !cmp.compatibility.compatible) for (const r of cmp.compatibility.reasons) fail('api_compatibility_test', null, `api_compatibility_test: not a drop-in for ${cmp.model_a.version}: ${r}`);
    tests.api_compatibility_test.values = cmp ? { ...cmp.compatibility.checks } : {};
  }

  if (quality.checks.includes('data_quality')) {
    tests.data_quality = { status: 'passed', findings: [], values: { minTrainClassShare: quality.minTrainClassShare } };
    for (const f of input.dataIssues) fail('data_quality', Object.keys(byTarget).find((t) => f.includes(` ${t} `)) ?? null, f);
  }
  if (quality.checks.includes('feature_distribution')) {
    if (!input.serving) tests.feature_distribution = skipped('no serving version to compare the data with');
    else {
      tests.feature_distribution = { status: 'passed', findings: [], values: {} };
      const ref = input.serving.reference.features;
      const ncol = input.heldOut.features.length;
      const psis = input.heldOut.features.map((f, c) => [f, ref[f] ? psiOfColumn(ref[f], input.heldOut.values, input.heldOut.rows, ncol, c) : 0] as const);
      for (const [f, psi] of psis) tests.feature_distribution.values[f] = Number(psi.toPrecision(4));
      for (const [f, psi] of [...psis].sort((x, y) => y[1] - x[1])) {
        if (psi > quality.maxFeaturePsi) warn('feature_distribution', `feature_distribution: ${f} PSI ${psi.toFixed(3)} > ${quality.maxFeaturePsi} against the data ${input.serving.version} was trained on`);
      }
    }
  }
  if (quality.checks.includes('prediction_consistency')) {
    if (!cmp) tests.prediction_consistency = skipped('no serving version to compare predictions with');
    else {
      tests.prediction_consistency = { status: 'passed', findings: [], values: {} };
      for (const [name, c] of Object.entries(cmp.consistency)) {
        if (c.changedShare === null) continue;
        tests.prediction_consistency.values[name] = c.changedShare;
        if (c.changedShare > quality.maxPredictionChangeShare) warn('prediction_consistency', `prediction_consistency: ${name} changes the predicted class of ${(c.changedShare * 100).toFixed(1)} % of rows > ${(quality.maxPredictionChangeShare * 100).toFixed(1)} %`);
      }
    }
  }

  const issues = Object.values(tests).filter((t) => t.status === 'failed').flatMap((t) => t.findings);
  const warnings = [...Object.values(tests).filter((t) => t.status === 'warning').flatMap((t) => t.findings), ...excused];
  return {
    schemaVersion: MODEL_VALIDATION_SCHEMA_VERSION,
    version: input.candidate.bundle.version,
    comparedWith: cmp?.model_a.version ?? null,
    createdAt: input.now.toISOString(),
    performance_acceptable: issues.length === 0,
    issues,
    warnings,
    tests,
    targets: Object.fromEntries(Object.entries(byTarget).map(([t, reasons]) => [t, { passed: reasons.length === 0, reasons }])),
    reportPath: input.reportPath ?? null,
  };
}
