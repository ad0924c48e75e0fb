/**
 * The `safe` strategy's gate: the candidate verifies and fits the serving contract (the integrity
 * gate), passed the model-validation gate (its stored record, or a fresh run of it), and is not
 * significantly worse than the version serving now on any target beyond its margin — compared
 * on the candidate's held-out rows when the version serving now is not the one it was validated
 * against (after a rollback, say). The comparison report's path goes into the deployment record.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { describeError, PipelineError } from '../../shared/errors.ts';
import { targetRegressions } from '../validate-model/target-gate.ts';
import { compareOnHeldOut, validateVersion } from '../validate-model/validate-version.ts';
import { INTERIM_GATE_NOTE, integrityGate, type SafetyGate } from './gate.ts';

/** The evaluation-based gate over the artefact store. */
export function validationGate(ports: Pick<Ports, 'artifacts' | 'clock'>, config: RetrainingConfig): SafetyGate {
  const integrity = integrityGate(ports, config);
  return async (candidate, serving) => {
    const base = await integrity(candidate, serving);
    const reasons = base.reasons.filter((r) => r !== INTERIM_GATE_NOTE);
    if (!base.passed) return { ...base, reasons, metrics: { ...base.metrics, gate: 'validation' } };
    const now = ports.clock.now();
    const { validation: v } = await validateVersion(ports.artifacts, config, { version: candidate, runId: `validate_${candidate}`, now });
    const issues = [...v.issues];
    let reportPath = v.reportPath;
    let comparedWith = v.comparedWith;
    let summary: Record<string, unknown> | null = null;
    const servingOk = serving && serving !== candidate && !reasons.some((r) => r.startsWith(`note: the serving version ${serving} fails`));
    if (servingOk && serving !== v.comparedWith) {
      try {
        const cmp = await compareOnHeldOut(ports.artifacts, config, { candidate, against: serving, prefix: `${config.pipeline.layout.reportsPrefix}/${serving}-vs-${candidate}`, now });
        for (const r of targetRegressions(cmp, config.validation.performanceTests, `serving ${serving}`)) issues.push(`accuracy_test: ${r.reason}`);
        reportPath = cmp.report?.json ?? reportPath;
        comparedWith = serving;
        summary = { winner: cmp.summary.winner, a_wins: cmp.summary.a_wins, b_wins: cmp.summary.b_wins };
      } catch (err) {
        if (!(err instanceof PipelineError)) throw err;
        reasons.push(`note: could not compare with ${serving}: ${describeError(err)}`);
      }
    }
    const passed = issues.length === 0;
    reasons.push(passed ? `${candidate} passed the validation gate${comparedWith ? ` against ${comparedWith}` : ''}: no target significantly worse beyond its margin` : `${candidate} failed the validation gate: ${issues.join('; ')}`);
    for (const w of v.warnings) reasons.push(`warning: ${w}`);
    return { passed, reasons, reportPath, metrics: { gate: 'validation', performance_acceptable: v.performance_acceptable, comparedWith, issues, warnings: v.warnings, comparison: summary } };
  };
}
