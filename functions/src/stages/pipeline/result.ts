/**
 * The pipeline result in the shape of the original `run_automated_retraining()`: `status`,
 * `stages` keyed as the original named them, `model_version`, `start_time`, `end_time`,
 * `duration_minutes`, and `error` (failed) or `reason` (skipped). Built from the decision and the
 * run record, so the CLI prints what the records say, not what it believes happened.
 */
import { toOriginalCheck, type TriggerDecision } from '../decide/decision.ts';
import type { DeploymentRecord } from '../deploy/deployment-record.ts';
import type { RunRecord, StageRecord } from '../../runs/run-record.ts';

/** `success` | `failed` | `skipped` as in the original, plus `dry_run` and `pending` (cloud run still going). */
export type PipelineStatus = 'success' | 'failed' | 'skipped' | 'dry_run' | 'pending';

/** The printed result. */
export interface PipelineResult {
  status: PipelineStatus;
  run_id: string | null;
  stages: Record<string, unknown>;
  model_version: string | null;
  start_time: string;
  end_time: string;
  duration_minutes: number;
  error?: string;
  reason?: string;
  [key: string]: unknown;
}

function stageView(st: StageRecord | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (!st) return { status: 'not_run' };
  return {
    status: st.status === 'succeeded' ? 'success' : st.status,
    attempts: st.attempts,
    ...(st.durationMs !== undefined ? { duration_ms: st.durationMs } : {}),
    ...extra,
    ...(st.error ? { error: st.error.message } : {}),
  };
}

/** The original's stage 6: `performance_acceptable` and `issues`, from the gate run by the trainer. */
function validationView(train: StageRecord | undefined): Record<string, unknown> {
  const v = train?.details.validation as { performance_acceptable?: boolean; issues?: string[]; warnings?: string[]; reportPath?: string | null } | null | undefined;
  if (v) return { status: v.performance_acceptable ? 'success' : 'failed', performance_acceptable: !!v.performance_acceptable, issues: v.issues ?? [], warnings: v.warnings ?? [], report_path: v.reportPath ?? null };
  const code = train?.error?.code;
  if (code === 'VALIDATION_FAILED' || code === 'DATA_QUALITY') {
    const details = (train?.error as { details?: { issues?: string[] } } | undefined)?.details;
    return { status: 'failed', performance_acceptable: false, issues: details?.issues ?? [train!.error!.message] };
  }
  return { status: 'not_run' };
}

const STATUS: Record<RunRecord['status'], PipelineStatus> = {
  requested: 'pending',
  running: 'pending',
  succeeded: 'success',
  skipped: 'skipped',
  failed: 'failed',
};

/** What the chain knows of the run's deployment (the original stage 7). */
export interface DeploymentStep {
  autoDeploy: boolean;
  /** The run's deployment record (`dep_<runId>`), when the deployer wrote one. */
  record: DeploymentRecord | null;
}

/** Stage 7 in the original's terms: skipped when auto-deployment is off, else the record's outcome. */
function deploymentView(run: RunRecord, step: DeploymentStep | undefined): Record<string, unknown> {
  if (!run.outputs.version || run.status !== 'succeeded') return { status: 'not_run' };
  if (!step || !step.autoDeploy) return { status: 'skipped', reason: 'auto-deployment disabled' };
  const r = step.record;
  if (!r) return { status: 'pending', reason: 'the deployer has not recorded a deployment for this run yet' };
  return { status: r.outcome, deployment_id: r.deploymentId, action: r.action, strategy: r.strategy, from_version: r.fromVersion, to_version: r.toVersion, percentage: r.percentage, reason: r.reason };
}

/** Build the result from a decision, the run it started (if any) and the wall-clock bounds. */
export function pipelineResult(decision: TriggerDecision, run: RunRecord | null, start: Date, end: Date, opts: { dryRun?: boolean; deployment?: DeploymentStep } = {}): PipelineResult {
  const base = {
    run_id: decision.runId,
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    duration_minutes: Math.round(((end.getTime() - start.getTime()) / 60_000) * 1000) / 1000,
  };
  const check = toOriginalCheck(decision);
  if (!decision.shouldRetrain) {
    return { status: 'skipped', ...base, stages: { check }, model_version: null, reason: 'No retraining triggers activated' };
  }
  if (opts.dryRun || !run) {
    return {
      status: opts.dryRun ? 'dry_run' : 'pending',
      ...base,
      stages: { check, strategy: { strategy: decision.strategy } },
      model_version: null,
      would_publish: decision.request,
      reason: opts.dryRun ? `dry run: would publish run ${decision.runId} (${decision.strategy}) and run collect → validate → train` : 'run record not found',
    };
  }
  const out = run.outputs;
  const collect = run.stages.collect;
  const validate = run.stages.validate;
  const train = run.stages.train;
  const stages: Record<string, unknown> = {
    check,
    data_collection: stageView(collect, { data_path: out.csvPath ?? null, metadata_path: out.metadataPath ?? null, rows: out.rows ?? null }),
    data_validation: stageView(validate, { recommendation: out.verdict ?? null, issues: (validate?.details.reasons as unknown[] | undefined) ?? [] }),
    strategy: { strategy: out.strategy ?? decision.strategy },
    retraining: stageView(train, { model_version: out.version ?? null, metrics: out.metrics ?? {} }),
    validation: validationView(train),
    deployment: deploymentView(run, opts.deployment),
  };
  const status = STATUS[run.status];
  return {
    status,
    ...base,
    stages,
    model_version: out.version ?? null,
    ...(run.error ? { error: run.error.message } : {}),
    ...(run.reason ? { reason: run.reason } : {}),
  };
}
