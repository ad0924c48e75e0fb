/**
 * The drift trigger (original `drift`): has the traffic moved away from what the serving version
 * learnt from? Per feature, the PSI of the window's sessions on the version's frozen reference
 * bins; per class target, the PSI of the classes the version predicts for those sessions against
 * the classes it predicted at training time (recomputed from the sessions' features rather than
 * read from the logs' `served` block, which also holds the app's exploration and canary answers).
 *
 * Sample-size aware: each PSI comes with the PSI noise alone gives at these counts and a
 * Holm-adjusted p-value, and a column counts only when significant at `significanceLevel`.
 * Two levels: `warn` above the warn PSI, `fire` above the threshold; with hysteresis, a trigger
 * that fired at the previous check on the same version keeps firing until every column is back
 * under the warn level. Fewer sessions than `minSessions`: not evaluated (`insufficient_data`).
 * Features in `ignoreFeatures` (a session counter grows by construction) are reported, never counted.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { assessDrift, type ColumnDrift, type DriftAssessment } from './drift-assessment.ts';
import { previousDriftLevel, type DriftLevel } from './drift-history.ts';
import { driftCounts } from './drift-sample.ts';
import type { Trigger, TriggerContext, TriggerResultInput } from './trigger.ts';
import { disabled } from './trigger.ts';

/** Features named in the reason and in `top_features`, at most. */
export const TOP_FEATURES = 5;

type DriftConfig = RetrainingConfig['triggers']['drift'];

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const pText = (p: number) => (p < 1e-4 ? 'p<0.0001' : `p=${p.toPrecision(2)}`);

/** One column in words: `viewport_width PSI 0.412 (noise 0.002, p<0.0001)`. */
export function describeColumn(c: ColumnDrift): string {
  return `${c.name} PSI ${c.psi.toFixed(3)} (noise ${c.noisePsi.toFixed(3)}, ${pText(c.pAdjusted)})`;
}

/** The level of one column: significant and above the warn or the fire limit. */
export function columnLevel(c: ColumnDrift, warn: number, fire: number, alpha: number): DriftLevel {
  if (!(c.pAdjusted < alpha)) return 'ok';
  return c.psi > fire ? 'fire' : c.psi > warn ? 'warn' : 'ok';
}

/**
 * The trigger's level from an assessment: `fire` when a column is at its fire level (its warn
 * level when the previous check on the same version fired: hysteresis), else `warn` or `ok`.
 */
export function driftLevel(a: DriftAssessment, cfg: DriftConfig, previous: DriftLevel | null): { level: DriftLevel; levels: Map<ColumnDrift, DriftLevel> } {
  const sticky = previous === 'fire';
  const levels = new Map<ColumnDrift, DriftLevel>();
  const ignored = new Set(cfg.ignoreFeatures);
  for (const c of a.features) levels.set(c, ignored.has(c.name) ? 'ok' : columnLevel(c, cfg.featureWarnPsi, sticky ? cfg.featureWarnPsi : cfg.featureThresholdPsi, cfg.significanceLevel));
  for (const c of a.predictions) levels.set(c, columnLevel(c, cfg.predictionWarnPsi, sticky ? cfg.predictionWarnPsi : cfg.predictionThresholdPsi, cfg.significanceLevel));
  // Under hysteresis a column above warn reads as 'warn' by its own limits but keeps the trigger firing.
  const any = (l: DriftLevel) => [...levels.values()].includes(l);
  const level: DriftLevel = any('fire') ? 'fire' : any('warn') ? 'warn' : 'ok';
  return { level, levels };
}

/** The drift trigger. */
export const driftTrigger: Trigger = {
  name: 'drift',
  async evaluate(ctx: TriggerContext): Promise<TriggerResultInput> {
    const cfg = ctx.config.triggers.drift;
    if (!cfg.enabled) return disabled(this.name);
    const thresholds = {
      feature_threshold_psi: cfg.featureThresholdPsi,
      feature_warn_psi: cfg.featureWarnPsi,
      prediction_threshold_psi: cfg.predictionThresholdPsi,
      prediction_warn_psi: cfg.predictionWarnPsi,
      significance_level: cfg.significanceLevel,
      min_sessions: cfg.minSessions,
    };
    const version = ctx.currentVersion;
    if (!version) return { name: this.name, evaluated: false, triggered: false, reason: 'no serving version: nothing to compare the traffic with', values: { status: 'no_model', max_feature_psi: null, ...thresholds } };
    const sample = await driftCounts(ctx.ports, ctx.config, version, ctx.window, ctx.live);
    const base = { reference_version: version, sessions: sample.rows, window_start: sample.window.start.toISOString(), window_end: sample.window.end.toISOString(), ...thresholds, ...(sample.missingHours ? { hours_not_rolled_up: sample.missingHours } : {}) };
    if (sample.rows < cfg.minSessions) {
      return { name: this.name, evaluated: false, triggered: false, reason: `insufficient_data: ${sample.rows} sessions since ${sample.window.start.toISOString()}, fewer than ${cfg.minSessions}`, values: { status: 'insufficient_data', max_feature_psi: null, ...base } };
    }
    const { predicted: counts, reference } = sample;
    const assessment = assessDrift(reference, sample.features, counts, cfg.significanceLevel);
    const previous = await previousDriftLevel(ctx.ports, ctx.config, ctx.at, version);
    const { level, levels } = driftLevel(assessment, cfg, previous);
    const drifting = (cs: ColumnDrift[]) => cs.filter((c) => levels.get(c) !== 'ok');
    const top = assessment.features.slice(0, TOP_FEATURES);
    const f = assessment.features[0];
    const p = assessment.predictions[0];
    const moved = [...drifting(assessment.features), ...drifting(assessment.predictions)];
    const sticky = previous === 'fire' && level === 'fire' && !moved.some((c) => c.psi > (c.kind === 'feature' ? cfg.featureThresholdPsi : cfg.predictionThresholdPsi));
    const reason =
      level === 'ok'
        ? `no significant drift in ${sample.rows} sessions against ${version} (largest: ${f ? describeColumn(f) : 'no feature'}${p ? `; predicted ${describeColumn(p)}` : ''})`
        : `${level === 'fire' ? 'drift' : 'drift warning'} in ${sample.rows} sessions against ${version}: ${moved.slice(0, TOP_FEATURES).map(describeColumn).join('; ')}${sticky ? ` (still above the warn level after firing at the previous check)` : ''}`;
    const perTarget = Object.fromEntries(assessment.predictions.map((c) => [`prediction_psi_${c.name.replace(/^css_class_/, '')}`, r4(c.psi)]));
    return {
      name: this.name,
      evaluated: true,
      triggered: level === 'fire',
      reason,
      values: {
        level,
        previous_level: previous,
        ...base,
        reference_rows: reference.rows,
        max_feature_psi: f ? r4(f.psi) : null,
        max_feature: f?.name ?? null,
        max_feature_noise_psi: f ? r4(f.noisePsi) : null,
        max_feature_p: f ? f.pAdjusted : null,
        drifting_features: drifting(assessment.features).length,
        top_features: top.map((c) => `${c.name}=${c.psi.toFixed(3)}`).join(', '),
        max_prediction_psi: p ? r4(p.psi) : null,
        max_prediction_target: p?.name ?? null,
        max_prediction_noise_psi: p ? r4(p.noisePsi) : null,
        max_prediction_p: p ? p.pAdjusted : null,
        ...perTarget,
      },
    };
  },
};
