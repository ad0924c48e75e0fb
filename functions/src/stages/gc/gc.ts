/**
 * Garbage collection after crashes (`retrain gc`): what an interrupted process leaves behind and
 * nothing reads or finishes any more —
 * - temporary and lock files of the folder store (`.~tmp-*` older than the lease; `.~lock-*`
 *   whose owner is gone or whose lease expired);
 * - model version folders without a manifest, unless a run still working on them claims them;
 * - dataset folders without metadata older than the grace period, unless their run still collects;
 * - runs with a stage `running` past the stage lease, or whose owner process is gone (a crash on
 *   this machine, runs/stage-owner.ts): marked `failed` with the reason (not resumed:
 *   a redelivered or re-run message of the same run id then finds the run ended; `retrain auto`
 *   starts a new one).
 * Complete outputs (a manifest, a dataset's metadata) are never touched. Works on any ports: the
 * artefact port's `list`/`delete` and the record store; scratch files only where the store has them.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { isVersionName, modelsLayout } from '../../models/layout.ts';
import { hasScratch, type ObjectInfo, type ScratchFile } from '../../ports/artifact-store.ts';
import type { Ports } from '../../ports/index.ts';
import { parseRun, type RunRecord, type RunStage } from '../../runs/run-record.ts';
import { LOG_STAGE, STAGE_LEASE_MS, expiredStage, failExpiredStage, liveStage } from '../../runs/run-stage.ts';
import { readClaim } from '../../runs/version-binding.ts';
import { PipelineError } from '../../shared/errors.ts';
import { METADATA_SUFFIX } from '../collect/dataset-target.ts';

/** Grace period of an incomplete dataset or version folder (its writer may be slow, not dead). */
export const DEFAULT_GRACE_MS = 60 * 60_000;

/** Options of one collection. */
export interface GcOptions {
  /** Report only; change nothing. */
  dryRun?: boolean;
  /** A stage `running` longer than this, or a temporary file untouched this long, is abandoned. */
  leaseMs?: number;
  /** An incomplete dataset or version folder must be untouched this long before it is removed. */
  graceMs?: number;
}

/** What was (or, with --dry-run, would be) removed or changed. */
export interface GcReport {
  dryRun: boolean;
  leaseMs: number;
  graceMs: number;
  scratch: Array<{ location: string; kind: ScratchFile['kind']; reason: string }>;
  versions: Array<{ version: string; runId: string | null; objects: string[]; reason: string }>;
  datasets: Array<{ runId: string; objects: string[]; reason: string }>;
  runs: Array<{ runId: string; stage: RunStage; startedAt: string; reason: string }>;
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/** Group objects by the folder right under `prefix/` (a version, a run's dataset). */
function byFolder(objects: ObjectInfo[], prefix: string): Map<string, ObjectInfo[]> {
  const groups = new Map<string, ObjectInfo[]>();
  for (const o of objects) {
    const rest = o.path.slice(prefix.length + 1);
    const slash = rest.indexOf('/');
    if (slash <= 0) continue;
    const folder = rest.slice(0, slash);
    groups.set(folder, [...(groups.get(folder) ?? []), o]);
  }
  return groups;
}

const newest = (objects: ObjectInfo[]) => Math.max(...objects.map((o) => o.updated.getTime()));

/** Find the orphans and, unless `dryRun`, remove them; returns what was found. */
export async function collectGarbage(ports: Ports, config: RetrainingConfig, opts: GcOptions = {}): Promise<GcReport> {
  const leaseMs = opts.leaseMs ?? STAGE_LEASE_MS;
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const dryRun = !!opts.dryRun;
  const now = ports.clock.now().getTime();
  const runsCollection = config.pipeline.collections.runs;
  const report: GcReport = { dryRun, leaseMs, graceMs, scratch: [], versions: [], datasets: [], runs: [] };

  // 1. Runs whose stage outlived its lease: the attempt died. Failing them first means their
  //    half-written outputs are no longer claimed by a running run below.
  const runs = new Map<string, RunRecord>();
  for (const status of ['running', 'requested'] as const) {
    for (const rec of await ports.records.list(runsCollection, { where: { status } })) runs.set(rec.id, parseRun(rec.id, rec.data));
  }
  for (const [runId, run] of runs) {
    const expired = expiredStage(run, now, leaseMs);
    if (!expired) continue;
    const owner = run.stages[expired.stage]?.owner;
    const why = expired.ownerGone && owner ? `its process (pid ${owner.pid} on ${owner.host}) is gone` : `past the ${minutes(leaseMs)} stage lease`;
    const reason = `${expired.stage} running since ${expired.startedAt}, ${why}: its attempt died (retrain gc)`;
    report.runs.push({ runId, stage: expired.stage, startedAt: expired.startedAt, reason });
    if (dryRun) {
      runs.set(runId, { ...run, status: 'failed' });
      continue;
    }
    const error = new PipelineError(reason, { stage: LOG_STAGE[expired.stage], code: 'LEASE_EXPIRED', details: { runId, stage: expired.stage, startedAt: expired.startedAt } });
    const after = await failExpiredStage(ports, runId, error, { leaseMs, collection: runsCollection });
    if (after) runs.set(runId, after);
  }

  // 2. Scratch files of the folder store.
  if (hasScratch(ports.artifacts)) {
    for (const f of await ports.artifacts.scratchFiles()) {
      const age = now - f.modified.getTime();
      const reason = f.kind === 'lock' ? f.staleReason : age >= leaseMs ? `temporary file untouched for ${minutes(age)}` : null;
      if (!reason) continue;
      report.scratch.push({ location: f.location, kind: f.kind, reason });
      if (!dryRun) await ports.artifacts.removeScratch(f);
    }
  }

  // 3. Version folders without a manifest.
  const layout = modelsLayout(config.pipeline.layout.modelsPrefix);
  for (const [version, objects] of byFolder(await ports.artifacts.list(`${layout.prefix}/v_`), layout.prefix)) {
    if (!isVersionName(version) || objects.some((o) => o.path === layout.manifest(version))) continue;
    const claim = await readClaim(ports.artifacts, layout, version);
    const live = claim ? liveStage(runs.get(claim.runId), now, leaseMs) : null;
    if (live) continue;
    const age = now - newest(objects);
    if (age < graceMs) continue;
    const reason = `no manifest; untouched for ${minutes(age)}${claim ? `; run ${claim.runId} is not running` : '; no run claims it'}`;
    report.versions.push({ version, runId: claim?.runId ?? null, objects: objects.map((o) => o.path), reason });
    if (!dryRun) for (const o of objects) await ports.artifacts.delete(o.path);
  }

  // 4. Dataset folders without metadata.
  const datasetsPrefix = config.pipeline.layout.datasetsPrefix.replace(/\/+$/, '');
  for (const [runId, objects] of byFolder(await ports.artifacts.list(`${datasetsPrefix}/`), datasetsPrefix)) {
    if (objects.some((o) => o.path.endsWith(METADATA_SUFFIX))) continue;
    if (liveStage(runs.get(runId), now, leaseMs)) continue;
    const age = now - newest(objects);
    if (age < graceMs) continue;
    report.datasets.push({ runId, objects: objects.map((o) => o.path), reason: `no metadata; untouched for ${minutes(age)}` });
    if (!dryRun) for (const o of objects) await ports.artifacts.delete(o.path);
  }
  return report;
}
