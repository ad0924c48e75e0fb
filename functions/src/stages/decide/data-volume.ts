/**
 * The data-volume trigger (original `data_volume`): fires when at least `minNewSamples` usable
 * sessions (as long as `dataCollection.minSessionDurationMs`) arrived in the collection window
 * since the last training (data a version was already trained on is not new).
 * Counted by the log store, so it costs one aggregate query, not a read of the window.
 */
import type { Trigger, TriggerContext, TriggerResultInput } from './trigger.ts';
import { disabled } from './trigger.ts';

/** The data-volume trigger. */
export const dataVolumeTrigger: Trigger = {
  name: 'data_volume',
  async evaluate(ctx: TriggerContext): Promise<TriggerResultInput> {
    const cfg = ctx.config.triggers.dataVolume;
    if (!cfg.enabled) return disabled(this.name);
    const minSessionDurationMs = ctx.config.dataCollection.minSessionDurationMs;
    const count = await ctx.ports.logs.count({ start: ctx.window.start, end: ctx.window.end, minSessionDurationMs });
    const triggered = count >= cfg.minNewSamples;
    return {
      name: this.name,
      evaluated: true,
      triggered,
      reason: `${count} new sessions since ${ctx.window.start.toISOString()} (last ${cfg.windowDays} days, after the last training), ${triggered ? 'at least' : 'fewer than'} ${cfg.minNewSamples}`,
      values: {
        new_samples: count,
        min_required: cfg.minNewSamples,
        window_days: cfg.windowDays,
        window_start: ctx.window.start.toISOString(),
        window_end: ctx.window.end.toISOString(),
        min_session_duration_ms: minSessionDurationMs,
      },
    };
  },
};
