/**
 * The drift trigger's memory for hysteresis: the level it reported at the previous recorded
 * decision against the same serving version. A value that crossed the fire threshold keeps firing
 * until it falls back under the warn level, so a PSI hovering at the threshold does not make the
 * checker flip between "retrain" and "wait" from one week to the next. A new serving version has
 * a new reference, so its history starts afresh.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { getRun } from '../../runs/run-record.ts';
import { TriggerDecisionSchema } from './decision.ts';

/** The three levels of a drift check. */
export type DriftLevel = 'ok' | 'warn' | 'fire';

/** Decisions looked back through at most (a weekly checker reaches back months). */
const LOOK_BACK = 50;

/** The level of the last decision before `at` whose drift check measured `version`, or null. */
export async function previousDriftLevel(ports: Pick<Ports, 'records'>, config: RetrainingConfig, at: Date, version: string): Promise<DriftLevel | null> {
  const stored = await ports.records.list(config.pipeline.collections.decisions, { orderBy: { field: 'at', direction: 'desc' }, limit: LOOK_BACK });
  for (const rec of stored) {
    const d = TriggerDecisionSchema.safeParse(rec.data);
    if (!d.success || Date.parse(d.data.at) >= at.getTime()) continue;
    const drift = d.data.triggers.find((t) => t.name === 'drift' && t.evaluated);
    if (!drift || drift.values.reference_version !== version) continue;
    const level = drift.values.level;
    return level === 'fire' || level === 'warn' || level === 'ok' ? level : null;
  }
  return null;
}

/**
 * Whether the serving version was trained by a run that drift or a performance drop started: its
 * training data straddles the change (the old regime, and the first drifted week labelled under
 * the stale model), so the next incremental update must not be held to it either. Only the
 * triggers that really fired for that run count, so the memory lasts one version, not forever.
 */
export async function servingTrainedUnderDrift(ports: Pick<Ports, 'artifacts' | 'records'>, config: RetrainingConfig, version: string | null): Promise<string | null> {
  if (!version) return null;
  try {
    const manifest = await new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix).manifest(version);
    const run = await getRun(ports, manifest.runId, { collection: config.pipeline.collections.runs });
    return run?.trigger?.reasons.some((r) => r === 'drift' || r === 'performance') ? manifest.runId : null;
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}
