/**
 * What happened at one slot of a replay (or of the freshness benchmark): which triggers fired and
 * with what values, the strategy and why, the version the run produced, whether it was deployed,
 * and how the version serving afterwards did on the following period. One record per slot and
 * policy; the CLI and the benchmark print it, `--json` gives it as is.
 */
import type { TriggerDecision } from '../decide/decision.ts';
import type { TriggerResult } from '../decide/trigger.ts';
import type { ChainOutcome } from '../pipeline/chain.ts';
import type { PeriodAccuracy } from './version-accuracy.ts';

/** One trigger in a slot: fired or not, and its key value in words. */
export interface SlotTrigger {
  name: string;
  evaluated: boolean;
  triggered: boolean;
  /** `7.0 d`, `1,234 new`, `acc 0.712 (upper 0.731)`, `warn: viewport_width 0.14`… */
  value: string;
}

/** One slot of one policy. */
export interface SlotReport {
  at: string;
  triggers: SlotTrigger[];
  shouldRetrain: boolean;
  strategy: string;
  strategyReason: string | null;
  driftDetected: boolean;
  /** The run's status (`succeeded`, `skipped`, `failed`) or null when nothing ran. */
  run: string | null;
  /** The version the run produced (kept or not), or null. */
  version: string | null;
  /** Why the run produced no version, or failed. */
  note: string | null;
  servingBefore: string | null;
  servingAfter: string | null;
  deployed: boolean;
  /** The serving version on the following period, when measured. */
  nextPeriod: PeriodAccuracy | null;
}

const fmt = (v: unknown, digits = 3) => (typeof v === 'number' ? Number(v.toFixed(digits)).toLocaleString('en-US') : String(v));

/** A trigger's key value in a few characters. */
export function triggerValue(t: TriggerResult): string {
  const v = t.values;
  if (!t.evaluated) return String(v.status ?? (t.reason.startsWith('disabled') ? 'disabled' : 'not evaluated'));
  switch (t.name) {
    case 'time_based':
      return v.days_since_last === null ? 'never trained' : `${fmt(v.days_since_last, 1)} d`;
    case 'data_volume':
      return `${fmt(v.new_samples, 0)} new`;
    case 'performance':
      return `acc ${fmt(v.live_accuracy)} (upper ${fmt(v.live_accuracy_upper)})${v.dropped_targets ? `, dropped: ${v.dropped_targets}` : ''}`;
    case 'drift':
      return `${v.level}: ${v.max_feature} ${fmt(v.max_feature_psi)}, pred ${v.max_prediction_target ? String(v.max_prediction_target).replace(/^css_class_/, '') : '-'} ${fmt(v.max_prediction_psi)}`;
    default:
      return t.reason.slice(0, 40);
  }
}

/** The triggers of a decision as slot entries. */
export function slotTriggers(d: TriggerDecision): SlotTrigger[] {
  return d.triggers.map((t) => ({ name: t.name, evaluated: t.evaluated, triggered: t.triggered, value: triggerValue(t) }));
}

/** Build a slot's record from the chain's outcome and the serving version before and after it. */
export function slotReport(at: Date, outcome: ChainOutcome, servingBefore: string | null, servingAfter: string | null, nextPeriod: PeriodAccuracy | null): SlotReport {
  const { decision, run, result } = outcome;
  const note = run ? (run.error?.message ?? run.reason ?? null) : (result.reason ?? null);
  return {
    at: at.toISOString(),
    triggers: slotTriggers(decision),
    shouldRetrain: decision.shouldRetrain,
    strategy: run?.outputs.strategy ?? decision.strategy,
    strategyReason: decision.strategyReason,
    driftDetected: decision.driftDetected,
    run: run?.status ?? null,
    version: run?.outputs.version ?? null,
    note,
    servingBefore,
    servingAfter,
    deployed: servingAfter !== null && servingAfter !== servingBefore,
    nextPeriod,
  };
}

/** The fired triggers of a slot, `performance, drift` (or `-`). */
export function firedNames(s: SlotReport): string {
  return s.triggers.filter((t) => t.triggered).map((t) => t.name).join(', ') || '-';
}
