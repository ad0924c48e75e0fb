/**
 * The performance trigger (original `performance`): live accuracy of each served class over the
 * last `monitoringWindowHours` — what the serving version served against the target inferred
 * from the session (stages/monitor/live-metrics.ts), canary sessions left out — judged on the
 * upper end of its Wilson interval, never on the point estimate. It fires when the live accuracy
 * (the mean of the three classes, as the original's one accuracy; its interval pools the three
 * targets' sessions) is significantly below `accuracyThreshold`, or when one class is
 * significantly below its held-out accuracy at training time less `maxDropPercentage` percent
 * (per target, so one collapsed class is not hidden by the mean). Fewer than `minSessions`
 * scored sessions: not evaluated (`insufficient_data`).
 */
import { TARGET_CLASS_COLUMNS, type TargetClassColumn } from '../../data/targets.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { wilsonInterval } from '../../stats/proportions.ts';
import { liveMetrics } from '../monitor/live-metrics.ts';
import type { Trigger, TriggerContext, TriggerResultInput } from './trigger.ts';
import { disabled } from './trigger.ts';

const HOUR_MS = 3_600_000;
const r4 = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);
const short = (t: TargetClassColumn) => t.replace(/^css_class_/, '');

/** One target's verdict. */
interface TargetVerdict {
  target: TargetClassColumn;
  accuracy: number;
  upper: number;
  training: number | null;
  /** Accuracy below which a drop counts: training × (1 − maxDropPercentage / 100). */
  dropLimit: number | null;
  dropped: boolean;
}

/** The performance trigger. */
export const performanceTrigger: Trigger = {
  name: 'performance',
  async evaluate(ctx: TriggerContext): Promise<TriggerResultInput> {
    const cfg = ctx.config.triggers.performance;
    if (!cfg.enabled) return disabled(this.name);
    const thresholds = { accuracy_threshold: cfg.accuracyThreshold, max_drop_percentage: cfg.maxDropPercentage, min_sessions: cfg.minSessions, monitoring_window_hours: cfg.monitoringWindowHours };
    const version = ctx.currentVersion;
    if (!version) return { name: this.name, evaluated: false, triggered: false, reason: 'no serving version: nothing was served to measure', values: { status: 'no_model', live_accuracy_upper: null, ...thresholds } };
    const start = new Date(ctx.at.getTime() - cfg.monitoringWindowHours * HOUR_MS);
    const live = await liveMetrics(ctx.ports, ctx.config, { start, end: ctx.at, versions: [version], ...ctx.live });
    const group = live.groups.find((g) => g.variant === 'current');
    const scored = group?.scored ?? 0;
    const base = { version, sessions: group?.sessions ?? 0, scored_sessions: scored, window_start: live.window.start, window_end: live.window.end, confidence_level: live.level, ...thresholds };
    if (!group || scored < cfg.minSessions) {
      return { name: this.name, evaluated: false, triggered: false, reason: `insufficient_data: ${scored} scored sessions of ${version} in the last ${cfg.monitoringWindowHours} h, fewer than ${cfg.minSessions}`, values: { status: 'insufficient_data', live_accuracy_upper: null, ...base } };
    }
    const manifest = await new ModelRegistry(ctx.ports.artifacts, ctx.config.pipeline.layout.modelsPrefix).manifest(version);
    const verdicts: TargetVerdict[] = TARGET_CLASS_COLUMNS.map((target) => {
      const t = group.targets[target];
      const m = manifest.metrics[target];
      const training = m?.kind === 'class' ? m.accuracy : null;
      const dropLimit = training === null ? null : training * (1 - cfg.maxDropPercentage / 100);
      const upper = t.upper ?? 1;
      return { target, accuracy: t.accuracy ?? 0, upper, training, dropLimit, dropped: dropLimit !== null && upper < dropLimit };
    });
    const correct = TARGET_CLASS_COLUMNS.reduce((s, t) => s + group.targets[t].correct, 0);
    const mean = wilsonInterval(correct, scored * TARGET_CLASS_COLUMNS.length, live.level);
    const belowThreshold = mean.upper < cfg.accuracyThreshold;
    const dropped = verdicts.filter((v) => v.dropped);
    const pct = (v: number) => (v * 100).toFixed(1);
    const says = (v: TargetVerdict) => `${short(v.target)} ${pct(v.accuracy)} % (upper ${pct(v.upper)} % < ${pct(v.dropLimit!)} %: training ${pct(v.training!)} % less ${cfg.maxDropPercentage} %)`;
    const meanText = `mean ${pct(group.meanAccuracy ?? 0)} % (upper ${pct(mean.upper)} %${belowThreshold ? ` < threshold ${pct(cfg.accuracyThreshold)} %` : ''})`;
    const reason =
      belowThreshold || dropped.length
        ? `live accuracy of ${version} significantly low on ${scored} sessions: ${[...(belowThreshold ? [meanText] : []), ...dropped.map(says)].join('; ')}`
        : `live accuracy of ${version} on ${scored} sessions not significantly below the limits: ${meanText}; ${verdicts.map((v) => `${short(v.target)} ${pct(v.accuracy)} % (upper ${pct(v.upper)} %)`).join(', ')}`;
    const perTarget: Record<string, number | boolean | null> = {};
    for (const v of verdicts) {
      perTarget[`${short(v.target)}_accuracy`] = r4(v.accuracy);
      perTarget[`${short(v.target)}_upper`] = r4(v.upper);
      perTarget[`${short(v.target)}_training_accuracy`] = r4(v.training);
      perTarget[`${short(v.target)}_drop_limit`] = r4(v.dropLimit);
    }
    return {
      name: this.name,
      evaluated: true,
      triggered: belowThreshold || dropped.length > 0,
      reason,
      values: { live_accuracy: r4(group.meanAccuracy), live_accuracy_upper: r4(mean.upper), live_accuracy_lower: r4(mean.lower), dropped_targets: dropped.map((v) => short(v.target)).join(', '), ...base, ...perTarget },
    };
  },
};
