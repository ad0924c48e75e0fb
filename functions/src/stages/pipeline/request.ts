/**
 * The checker's last step: open the run record a positive decision starts and publish its retrain
 * request. Safe to repeat: the run id comes from the decision, so a retried slot finds its run,
 * and the request is (re)published only while no stage has picked the run up — or when the run
 * was left unfinished: not ended, and no stage running (its process died between or inside
 * stages), so that rerunning the slot resumes it; every stage skips what it completed already.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import type { TriggerDecision } from '../decide/decision.ts';
import { ensureRun, isTerminal, type RunRecord } from '../../runs/run-record.ts';
import { liveStage } from '../../runs/run-stage.ts';

/** What the checker did with a decision. */
export interface RequestOutcome {
  /**
   * `published`: request sent; `resumed`: sent again for a run left unfinished; `in_progress`: the
   * run is being worked on or ended; `not_needed`: no trigger fired.
   */
  action: 'published' | 'resumed' | 'in_progress' | 'not_needed';
  run: RunRecord | null;
  messageId: string | null;
}

/** Open the run of a positive decision and publish its request on `retrain-requests`. */
export async function requestRetrain(
  ports: Ports,
  config: RetrainingConfig,
  decision: TriggerDecision,
  opts: { log?: PipelineLogger } = {},
): Promise<RequestOutcome> {
  const log = opts.log ?? createLogger(silentSink);
  if (!decision.shouldRetrain || !decision.runId || !decision.request) return { action: 'not_needed', run: null, messageId: null };
  const runs = { collection: config.pipeline.collections.runs };
  const runId = decision.runId;
  const evaluatedAt = Date.parse(decision.evaluatedAt);
  const { run } = await ensureRun(
    ports,
    runId,
    {
      mode: decision.mode,
      trigger: { decisionId: decision.decisionId, reasons: decision.reasons, strategy: decision.strategy },
      window: decision.request.window,
      stages: {
        check: {
          status: 'succeeded',
          attempts: 1,
          startedAt: decision.evaluatedAt,
          finishedAt: ports.clock.now().toISOString(),
          durationMs: Math.max(0, ports.clock.now().getTime() - evaluatedAt),
          details: { decisionId: decision.decisionId, reasons: decision.reasons, strategy: decision.strategy, recommendation: decision.recommendation },
        },
      },
    },
    runs,
  );
  // Published already and picked up by a stage that still works on it, or ended: publishing again
  // would only add a duplicate.
  const working = liveStage(run, ports.clock.now().getTime());
  if (run.status !== 'requested' && (isTerminal(run.status) || working)) {
    log.info('decide', `run ${runId} is already ${run.status}${working ? ` (${working})` : ''}: its request is not published again`, { runId });
    return { action: 'in_progress', run, messageId: null };
  }
  const resumed = run.status !== 'requested';
  if (resumed) log.info('decide', `run ${runId} was left unfinished (no stage is running): its request is published again to resume it`, { runId });
  const topic = config.pipeline.topics.retrainRequests;
  const messageId = await ports.bus.publish(topic, decision.request);
  log.messagePublished('decide', topic, messageId, { runId, strategy: decision.strategy, reasons: decision.reasons });
  return { action: resumed ? 'resumed' : 'published', run, messageId };
}
