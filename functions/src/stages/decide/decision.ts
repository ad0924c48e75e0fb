/**
 * The trigger decision (`trigger_decisions/<decisionId>`): every trigger's values, fired or not,
 * what they add up to, the strategy hint and the retrain request it leads to. Written once per
 * schedule slot; a retried slot reads the stored decision back instead of deciding again.
 */
import { z } from 'zod';
import { RetrainRequestSchema, StrategySchema } from '../../shared/messages.ts';
import { TriggerResultSchema } from './trigger.ts';

const iso = z.iso.datetime({ offset: true });

/** The stored decision. */
export const TriggerDecisionSchema = z.object({
  decisionId: z.string().min(1),
  mode: z.enum(['check', 'scheduled', 'force']),
  /** The instant the decision stands for (the schedule slot). */
  at: iso,
  /** When the evaluation actually ran. */
  evaluatedAt: iso,
  currentVersion: z.string().nullable(),
  lastTraining: z.object({ at: iso, version: z.string().nullable(), source: z.enum(['registry', 'runs']) }).nullable(),
  /** Every trigger's result, in evaluation order. */
  triggers: z.array(TriggerResultSchema),
  shouldRetrain: z.boolean(),
  /** Condition names that fired (`time_based`, `max_days_exceeded`, `manual`…). */
  reasons: z.array(z.string()),
  /** Triggers that vetoed retraining (the time-based cool-down). */
  blockedBy: z.array(z.string()),
  strategy: StrategySchema,
  /** Why that strategy: the parts of the rule that held (null when nothing is retrained). */
  strategyReason: z.string().nullable().default(null),
  /** A drift or performance trigger fired: the trainer judges an update on recent data only. */
  driftDetected: z.boolean().default(false),
  /** Why `driftDetected`: fired at this check, or the serving version was trained after drift (null: no drift). */
  driftNote: z.string().nullable().default(null),
  recommendation: z.string(),
  /** The run this decision starts, or null. */
  runId: z.string().nullable(),
  /** The message published on `retrain-requests`, or null. */
  request: RetrainRequestSchema.nullable(),
});
/** A validated trigger decision. */
export type TriggerDecision = z.infer<typeof TriggerDecisionSchema>;

/** A sentence saying what to do, for people and the `recommendation` field of the original. */
export function recommendationText(d: Pick<TriggerDecision, 'shouldRetrain' | 'reasons' | 'blockedBy' | 'strategy' | 'currentVersion'>): string {
  if (!d.shouldRetrain) {
    if (d.blockedBy.length && d.reasons.length) return `wait: ${d.reasons.join(', ')} fired but ${d.blockedBy.join(', ')} holds retraining back`;
    return 'no retraining needed';
  }
  const why = d.currentVersion ? d.reasons.join(', ') : ['no current model', ...d.reasons].join(', ');
  const what = d.strategy === 'full' ? 'full retrain' : d.strategy === 'incremental' ? 'incremental update' : 'retrain (strategy left to the trainer)';
  return `${what}: ${why}`;
}

/** The decision in the shape of the original `check_retraining_needed()` result. */
export function toOriginalCheck(d: TriggerDecision): Record<string, unknown> {
  return {
    should_retrain: d.shouldRetrain,
    triggers: Object.fromEntries(
      d.triggers.map((t) => [t.name, { triggered: t.triggered, evaluated: t.evaluated, ...t.values, reason: t.reason }]),
    ),
    recommendation: d.recommendation,
    strategy: d.strategy,
    strategy_reason: d.strategyReason,
    drift_detected: d.driftDetected,
    drift_note: d.driftNote,
    reasons: d.reasons,
    blocked_by: d.blockedBy,
    decision_id: d.decisionId,
    run_id: d.runId,
    window: d.request?.window ?? null,
  };
}
