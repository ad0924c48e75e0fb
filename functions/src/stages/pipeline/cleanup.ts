/**
 * Removing what a failed attempt left half-written, so that neither a retry nor a reader trips
 * over it: a dataset folder without its metadata (written last by the collector), a model
 * version folder without its manifest (written last by the trainer). Complete outputs are never
 * touched: they are immutable and may be reused by a redelivery.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { ArtifactStore } from '../../ports/index.ts';
import { METADATA_SUFFIX } from '../collect/dataset-target.ts';
import { datasetPaths } from '../collect/handle-retrain-request.ts';

/** Bucket-relative folder of a run's dataset (`<datasetsPrefix>/<runId>/`). */
export function datasetDir(config: RetrainingConfig, runId: string): string {
  const { csvPath } = datasetPaths(config, runId);
  return csvPath.slice(0, csvPath.lastIndexOf('/') + 1);
}

/** Delete the run's dataset objects unless the metadata marks it complete; returns the deleted paths. */
export async function cleanupIncompleteDataset(artifacts: ArtifactStore, config: RetrainingConfig, runId: string): Promise<string[]> {
  const objects = await artifacts.list(datasetDir(config, runId));
  if (objects.some((o) => o.path.endsWith(METADATA_SUFFIX))) return [];
  for (const o of objects) await artifacts.delete(o.path);
  return objects.map((o) => o.path);
}

/**
 * Delete the files of the run's model version unless its manifest marks it complete; the name
 * claim stays, so a retry of the run writes the same version again. Returns the deleted paths.
 */
export async function cleanupIncompleteVersion(artifacts: ArtifactStore, config: RetrainingConfig, runId: string): Promise<string[]> {
  const registry = new ModelRegistry(artifacts, config.pipeline.layout.modelsPrefix);
  const claimed = await registry.run(runId);
  if (!claimed) return [];
  const version = claimed.record.version;
  if (await artifacts.exists(registry.layout.manifest(version))) return [];
  const objects = await artifacts.list(registry.layout.versionDir(version));
  for (const o of objects) await artifacts.delete(o.path);
  return objects.map((o) => o.path);
}
