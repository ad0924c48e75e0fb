/**
 * When the model was last trained: the manifest of the registry's current version when one
 * serves, else the latest successful run record (a version trained but not yet deployed counts
 * too: retraining again days later would only repeat it).
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { listRuns } from '../../runs/run-record.ts';

/** The last training the triggers measure against. */
export interface LastTraining {
  at: Date;
  version: string | null;
  source: 'registry' | 'runs';
}

/** What the checker knows about the model before deciding. */
export interface ModelState {
  /** The serving version, or null when none serves yet. */
  currentVersion: string | null;
  lastTraining: LastTraining | null;
}

/** Look up the current version and the last training. */
export async function findModelState(ports: Pick<Ports, 'artifacts' | 'records'>, config: RetrainingConfig): Promise<ModelState> {
  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  const current = await registry.current();
  let fromRegistry: LastTraining | null = null;
  if (current) {
    try {
      const manifest = await registry.manifest(current.pointer.version);
      fromRegistry = { at: new Date(manifest.createdAt), version: manifest.version, source: 'registry' };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  const [run] = await listRuns(ports, { status: 'succeeded', limit: 1 }, { collection: config.pipeline.collections.runs });
  const fromRuns: LastTraining | null =
    run?.outputs.version && run.finishedAt ? { at: new Date(run.finishedAt), version: run.outputs.version, source: 'runs' } : null;
  const lastTraining = !fromRuns ? fromRegistry : !fromRegistry || fromRuns.at > fromRegistry.at ? fromRuns : fromRegistry;
  return { currentVersion: current?.pointer.version ?? null, lastTraining };
}
