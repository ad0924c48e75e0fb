/**
 * Runs as the dashboard shows them: the run record (runs/run-record.ts) flattened to
 * its status, stages in pipeline order with their timings and errors, its outputs, and the link
 * to its comparison report when the bucket holds one.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { RUN_STAGES, listRuns, type RunRecord } from '../../runs/run-record.ts';
import type { RunSummary, StageTiming } from './dashboard-schema.ts';
import { reportUrl, runReportPath } from './report-links.ts';

/** A run record as a dashboard row (`reportUrl`: the page link of its report, or null). */
export function summarizeRun(run: RunRecord, reportUrl: string | null): RunSummary {
  const stages: StageTiming[] = [];
  for (const name of RUN_STAGES) {
    const st = run.stages[name];
    if (!st) continue;
    stages.push({
      name,
      status: st.status,
      attempts: st.attempts,
      startedAt: st.startedAt ?? null,
      finishedAt: st.finishedAt ?? null,
      durationMs: st.durationMs ?? null,
      error: st.error ?? null,
    });
  }
  const o = run.outputs;
  return {
    runId: run.runId,
    status: run.status,
    mode: run.mode,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    reasons: run.trigger.reasons,
    strategy: o.strategy ?? (run.trigger.strategy === 'auto' ? null : run.trigger.strategy),
    version: o.version ?? null,
    rows: o.rows ?? null,
    verdict: o.verdict ?? null,
    metrics: o.metrics ?? {},
    error: run.error,
    reason: run.reason,
    stages,
    reportUrl,
  };
}

/** The most recent runs, newest first, each with the link to its report when there is one. */
export async function recentRuns(ports: Pick<Ports, 'records' | 'artifacts'>, config: RetrainingConfig, limit: number): Promise<RunSummary[]> {
  const runs = await listRuns(ports, { limit }, { collection: config.pipeline.collections.runs });
  return await Promise.all(
    runs.map(async (run) => {
      const path = runReportPath(config, run.runId);
      const url = reportUrl(config, path);
      return summarizeRun(run, url && (await ports.artifacts.exists(path)) ? url : null);
    }),
  );
}
