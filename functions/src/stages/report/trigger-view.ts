/**
 * Every trigger's result read generically: which recorded value it judges (its signal) and which
 * thresholds it holds that value to, so that the page can show "value against threshold" and draw
 * threshold lines for any trigger — the four of today by name, and any other by the names of its
 * values.
 */
import type { TriggerResult } from '../decide/trigger.ts';
import type { TriggerView } from './dashboard-schema.ts';

/** Signal and threshold keys of the triggers that exist; checked against their values by a test. */
export const KNOWN_SIGNALS: Readonly<Record<string, { value: string; thresholds: readonly string[] }>> = {
  time_based: { value: 'days_since_last', thresholds: ['min_days', 'max_days'] },
  data_volume: { value: 'new_samples', thresholds: ['min_required'] },
  performance: { value: 'live_accuracy_upper', thresholds: ['accuracy_threshold'] },
  drift: { value: 'max_feature_psi', thresholds: ['feature_threshold_psi', 'feature_warn_psi'] },
};

/** Keys that name a threshold: `min_…`, `max_…`, `…_threshold…`, `…_required`, `…_limit`. */
const THRESHOLD_KEY = /^(min|max)_|(^|_)(threshold|required|limit)(_|$)/;
/** Keys that describe the measurement rather than measure: windows, durations, instants. */
const SETTING_KEY = /^window_|_(ms|at|start|end)$/;
/** Words that say "threshold" rather than what is measured. */
const QUALIFIERS = new Set(['min', 'max', 'threshold', 'required', 'limit']);

function words(key: string): Set<string> {
  return new Set(key.split('_').filter((w) => w && !QUALIFIERS.has(w)));
}

/**
 * A trigger not in KNOWN_SIGNALS: its signal is its first numeric value that is neither a
 * threshold nor a setting, and its thresholds are the threshold-named numbers sharing a word with
 * the signal's key (`accuracy_threshold` for `live_accuracy`, `feature_threshold_psi` for
 * `worst_feature_psi`), so that a chart never puts a count beside a share.
 */
export function inferSignal(values: TriggerResult['values']): { value: string | null; thresholds: string[] } {
  const numeric = Object.entries(values).filter(([, v]) => typeof v === 'number' || v === null);
  const value = numeric.find(([k]) => !THRESHOLD_KEY.test(k) && !SETTING_KEY.test(k))?.[0] ?? null;
  if (!value) return { value: null, thresholds: [] };
  const own = words(value);
  const thresholds = numeric
    .filter(([k, v]) => k !== value && typeof v === 'number' && THRESHOLD_KEY.test(k) && !SETTING_KEY.test(k))
    .filter(([k]) => [...words(k)].some((w) => own.has(w)))
    .map(([k]) => k);
  return { value, thresholds };
}

/** A trigger result with its signal and thresholds picked out. */
export function triggerView(result: TriggerResult): TriggerView {
  const keys = KNOWN_SIGNALS[result.name] ?? inferSignal(result.values);
  const num = (k: string) => (typeof result.values[k] === 'number' ? (result.values[k] as number) : null);
  const signalKey = keys.value !== null && keys.value in result.values ? keys.value : null;
  return {
    name: result.name,
    evaluated: result.evaluated,
    triggered: result.triggered,
    blocks: result.blocks,
    reason: result.reason,
    signal: signalKey ? { key: signalKey, value: num(signalKey) } : null,
    thresholds: keys.thresholds.flatMap((k) => {
      const v = num(k);
      return v === null ? [] : [{ key: k, value: v }];
    }),
    values: result.values,
    signals: result.signals,
  };
}
