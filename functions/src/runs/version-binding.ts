/**
 * Which version a run writes, held in the artefact store beside the versions (so that the CLI's
 * runs, which have no run record, are bound too):
 *
 *   <modelsPrefix>/claims/<version>.json    write-once lock on a version name: { version, runId, claimedAt }
 *   <modelsPrefix>/bindings/<runId>.json    the run's version, then its training result
 *
 * The name is claimed before any file of the version is written and the binding is write-once, so
 * two runs never share a name and a replayed run (a redelivered message, `--run-id` again) gets
 * its earlier name back: one run, one version. Bindings written before they had this name live
 * at `<modelsPrefix>/runs/<runId>.json` (same fields) and are still read.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { baseVersionName, modelsLayout, type ModelsLayout } from '../models/layout.ts';
import { jsonText } from '../models/write-once.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { ConflictError, DataError } from '../shared/errors.ts';
import { ModelTrainedSchema, type ModelTrained } from '../shared/messages.ts';
import { readStoredJson } from '../models/stored-json.ts';

/** `claims/<version>.json`: the run that owns a version name. */
export const VersionClaimSchema = z.strictObject({ version: z.string(), runId: z.string(), claimedAt: z.iso.datetime({ offset: true }) });

/**
 * `bindings/<runId>.json`: the version a run writes, then the `model-trained` message of its
 * training (null until the training ended; a result that is not such a message counts as none,
 * and the run's version is then judged by its manifest).
 */
export const VersionBindingSchema = z.strictObject({
  runId: z.string(),
  version: z.string(),
  claimedAt: z.iso.datetime({ offset: true }),
  result: ModelTrainedSchema.nullable().catch(null),
});

/** The run that owns a version name. */
export type VersionClaim = z.infer<typeof VersionClaimSchema>;
/** A run's version and, once trained, its `model-trained` message. */
export type VersionBinding = z.infer<typeof VersionBindingSchema>;

/** A binding as stored: its path (the current or the legacy one) and generation. */
export interface StoredBinding {
  binding: VersionBinding;
  path: string;
  generation: string;
}

const layoutOf = (prefix: string | ModelsLayout): ModelsLayout => (typeof prefix === 'string' ? modelsLayout(prefix) : prefix);

/** The run's binding (the current path first, then the legacy one), or null. */
export async function readBinding(store: ArtifactStore, prefix: string | ModelsLayout, runId: string): Promise<StoredBinding | null> {
  const layout = layoutOf(prefix);
  for (const path of [layout.binding(runId), layout.legacyBinding(runId)]) {
    const info = await store.stat(path);
    if (!info) continue;
    const binding = await readStoredJson(store, path, VersionBindingSchema);
    if (binding) return { binding, path, generation: info.generation };
  }
  return null;
}

/** The claim on a version name, or null (also when unreadable: gc then treats it as unclaimed). */
export async function readClaim(store: ArtifactStore, prefix: string | ModelsLayout, version: string): Promise<VersionClaim | null> {
  try {
    return await readStoredJson(store, layoutOf(prefix).claim(version), VersionClaimSchema);
  } catch (err) {
    if (err instanceof DataError) return null;
    throw err;
  }
}

/**
 * The version name of a run: the one bound earlier to the same run id (a replay), else a fresh
 * `v_YYYYMMDD_HHMMSS` — suffixed with a hash of the run id, then a counter, when taken — claimed
 * and bound before any file of it is written.
 */
export async function bindVersion(store: ArtifactStore, prefix: string | ModelsLayout, runId: string, at: Date): Promise<string> {
  const layout = layoutOf(prefix);
  const existing = await readBinding(store, layout, runId);
  if (existing) return existing.binding.version;
  const base = baseVersionName(at);
  const h = createHash('sha256').update(runId).digest('hex').slice(0, 6);
  let chosen: string | null = null;
  for (let n = 0; n < 100 && !chosen; n++) {
    const name = n === 0 ? base : n === 1 ? `${base}_${h}` : `${base}_${h}_${n}`;
    if ((await store.list(layout.versionDir(name))).length) continue;
    const claim: VersionClaim = { version: name, runId, claimedAt: at.toISOString() };
    try {
      await store.put(layout.claim(name), jsonText(claim), { ifGenerationMatch: '0', contentType: 'application/json' });
      chosen = name;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const other = await readStoredJson(store, layout.claim(name), VersionClaimSchema);
      if (other?.runId === runId) chosen = name;
    }
  }
  if (!chosen) throw new ConflictError(`No free version name near ${base}`, { stage: 'train', details: { base } });
  const binding: VersionBinding = { runId, version: chosen, claimedAt: at.toISOString(), result: null };
  try {
    await store.put(layout.binding(runId), jsonText(binding), { ifGenerationMatch: '0', contentType: 'application/json' });
    return chosen;
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const winner = await readBinding(store, layout, runId);
    if (!winner) throw err;
    return winner.binding.version;
  }
}

/**
 * Record the training's `model-trained` message on the run's binding (compare-and-swap; the
 * first result wins). A legacy binding is carried over to the current path with it.
 */
export async function recordTrainingResult(store: ArtifactStore, prefix: string | ModelsLayout, runId: string, version: string, result: ModelTrained, at: Date): Promise<void> {
  const layout = layoutOf(prefix);
  const existing = await readBinding(store, layout, runId);
  if (existing?.binding.result) return;
  const binding: VersionBinding = existing ? { ...existing.binding, result } : { runId, version, claimedAt: at.toISOString(), result };
  const current = existing?.path === layout.binding(runId);
  try {
    await store.put(layout.binding(runId), jsonText(binding), { ifGenerationMatch: current ? existing!.generation : '0', contentType: 'application/json' });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
}
