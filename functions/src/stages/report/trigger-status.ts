/**
 * `retraining_triggers` and `upcoming_retraining`: what every trigger says now — the checker's own
 * evaluation (stages/decide/decide.ts) run as a dry run, so that looking writes nothing — next to
 * the last recorded decision, and when the scheduled checker runs next.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { describeError } from '../../shared/errors.ts';
import { decide } from '../decide/decide.ts';
import { TriggerDecisionSchema, type TriggerDecision } from '../decide/decision.ts';
import type { RetrainingTriggers, UpcomingRetraining } from './dashboard-schema.ts';
import { nextScheduledChecks } from './next-check.ts';
import { triggerView } from './trigger-view.ts';
import type { LiveRead } from '../monitor/live-metrics.ts';

/** Recorded decisions, newest first; documents that fail the schema are left out. */
export async function recentDecisions(ports: Pick<Ports, 'records'>, config: RetrainingConfig, limit: number): Promise<TriggerDecision[]> {
  const recs = await ports.records.list(config.pipeline.collections.decisions, { orderBy: { field: 'at', direction: 'desc' }, limit });
  return recs.flatMap((r) => {
    const parsed = TriggerDecisionSchema.safeParse(r.data);
    return parsed.success ? [parsed.data] : [];
  });
}

/** What the checker would decide at `now`, evaluated without recording anything. */
export async function decisionNow(ports: Ports, config: RetrainingConfig, now: Date, live?: LiveRead): Promise<TriggerDecision> {
  const { decision } = await decide(ports, config, { mode: 'check', at: now, dryRun: true, live });
  return decision;
}

/** Every trigger of the evaluation now, and the last decision that was recorded. */
export function retrainingTriggers(now: TriggerDecision, last: TriggerDecision | null): RetrainingTriggers {
  return {
    evaluatedAt: now.evaluatedAt,
    triggers: now.triggers.map(triggerView),
    lastDecision: last ? { decisionId: last.decisionId, at: last.at, mode: last.mode, shouldRetrain: last.shouldRetrain, reasons: last.reasons, runId: last.runId } : null,
  };
}

/** The next scheduled checks and the decision the checker would take now. */
export function upcomingRetraining(config: RetrainingConfig, now: TriggerDecision, at: Date): UpcomingRetraining {
  const { schedule, timeZone } = config.pipeline;
  let nextChecks: string[] = [];
  let scheduleError: string | null = null;
  try {
    nextChecks = nextScheduledChecks(schedule, timeZone, at).map((d) => d.toISOString());
  } catch (err) {
    scheduleError = describeError(err);
  }
  return {
    schedule,
    timeZone,
    nextChecks,
    scheduleError,
    decisionNow: {
      shouldRetrain: now.shouldRetrain,
      reasons: now.reasons,
      blockedBy: now.blockedBy,
      strategy: now.strategy,
      recommendation: now.recommendation,
      currentVersion: now.currentVersion,
      lastTraining: now.lastTraining,
    },
  };
}
