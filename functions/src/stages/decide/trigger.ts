/**
 * The trigger contract: a trigger looks at one signal (time, data volume, live performance,
 * drift…) and says whether it calls for retraining, with every value it looked at. The checker
 * evaluates a list of them, so adding a signal means adding a file here and one line in
 * `defaultTriggers`, never touching the chain.
 */
import { z } from 'zod';
import type { LiveRead } from '../monitor/live-metrics.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import type { LastTraining } from './last-training.ts';

/** A signal value as recorded on the decision (JSON scalars only, so Firestore stores it as is). */
export const SignalValueSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** The outcome of one trigger. */
export const TriggerResultSchema = z.object({
  /** Trigger name as used in `strategies.*.conditions` (`time_based`, `data_volume`…). */
  name: z.string().min(1),
  /** False when the trigger is disabled in the config or its signal could not be measured. */
  evaluated: z.boolean(),
  triggered: z.boolean(),
  /** One readable sentence: why it fired or not. */
  reason: z.string(),
  /** Every value the trigger looked at, fired or not (snake_case, as the original reported them). */
  values: z.record(z.string(), SignalValueSchema).default({}),
  /** Further condition names it raises (`max_days_exceeded`), matched against `strategies.*.conditions`. */
  signals: z.array(z.string()).default([]),
  /** True when this trigger vetoes retraining now (the time-based cool-down). */
  blocks: z.boolean().default(false),
});
/** A validated trigger result, defaults filled in. */
export type TriggerResult = z.infer<typeof TriggerResultSchema>;
/** What a trigger returns (optional fields may be left out). */
export type TriggerResultInput = z.input<typeof TriggerResultSchema>;

/** The collection window of the data-volume trigger: `[start, end)`. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

/** What every trigger may look at. */
export interface TriggerContext {
  ports: Pick<Ports, 'logs' | 'artifacts' | 'records' | 'clock'>;
  config: RetrainingConfig;
  /** The instant the evaluation stands for (the scheduled time, not the moment it ran). */
  at: Date;
  /** The window of new data: `triggers.dataVolume.windowDays` back from `at`, starting no earlier than the last training. */
  window: TimeWindow;
  /** The last successful training, or null when no model was ever trained. */
  lastTraining: LastTraining | null;
  /** The serving (stable) version, or null when none serves yet. */
  currentVersion: string | null;
  /** How the live triggers read live metrics (default: rollups, refreshed first). */
  live?: LiveRead;
}

/** A pluggable retraining trigger. */
export interface Trigger {
  readonly name: string;
  evaluate(ctx: TriggerContext): Promise<TriggerResultInput>;
}

/** A disabled trigger's result: recorded too, so a decision always lists every trigger. */
export function disabled(name: string): TriggerResultInput {
  return { name, evaluated: false, triggered: false, reason: 'disabled in config' };
}
