/**
 * The time-based trigger (original `time_based`): due when the last training is at least
 * `minDaysSinceLast` days old, and raises `max_days_exceeded` (a full retrain by default) past
 * `maxDaysSinceLast`. Younger than the minimum, it vetoes retraining: "never retrain sooner".
 */
import type { Trigger, TriggerContext, TriggerResultInput } from './trigger.ts';
import { disabled } from './trigger.ts';

const DAY_MS = 86_400_000;

/**
 * Slack when comparing ages with the thresholds: a weekly schedule sees the previous training a
 * few minutes less than 7 days old (it finished after its own 02:00 start), which must count as 7.
 */
export const AGE_SLACK_MS = 3_600_000;

/** Days between two instants, rounded to 1/100 day for the record. */
export function daysBetween(from: Date, to: Date): number {
  return Math.round(((to.getTime() - from.getTime()) / DAY_MS) * 100) / 100;
}

/** The time-based trigger. */
export const timeBasedTrigger: Trigger = {
  name: 'time_based',
  async evaluate(ctx: TriggerContext): Promise<TriggerResultInput> {
    const cfg = ctx.config.triggers.timeBased;
    if (!cfg.enabled) return disabled(this.name);
    const base = { min_days: cfg.minDaysSinceLast, max_days: cfg.maxDaysSinceLast };
    const last = ctx.lastTraining;
    if (!last) {
      return {
        name: this.name,
        evaluated: true,
        triggered: true,
        reason: 'no model was ever trained',
        values: { ...base, days_since_last: null, last_training: null, last_version: null, source: null },
      };
    }
    const ageMs = ctx.at.getTime() - last.at.getTime() + AGE_SLACK_MS;
    const due = ageMs >= cfg.minDaysSinceLast * DAY_MS;
    const exceeded = ageMs >= cfg.maxDaysSinceLast * DAY_MS;
    const days = daysBetween(last.at, ctx.at);
    return {
      name: this.name,
      evaluated: true,
      triggered: due,
      blocks: !due,
      reason: exceeded
        ? `last training ${days} days ago, more than the maximum ${cfg.maxDaysSinceLast}`
        : due
          ? `last training ${days} days ago, at least the minimum ${cfg.minDaysSinceLast}`
          : `last training only ${days} days ago (cool-down of ${cfg.minDaysSinceLast} days)`,
      values: { ...base, days_since_last: days, last_training: last.at.toISOString(), last_version: last.version, source: last.source },
      signals: exceeded ? ['max_days_exceeded'] : [],
    };
  },
};
