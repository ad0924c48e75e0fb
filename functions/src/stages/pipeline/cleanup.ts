/**
 * Removing the dataset a failed collection left half-written, so that neither a retry nor a
 * reader trips over it: a dataset folder without its metadata (written last by the collector).
 * Complete datasets are never touched: they are immutable and may be reused by a redelivery. (A
 * version without manifest is the trainer's to remove: stages/train/write-version.ts.)
 */
import type { RetrainingConfig } from '../../config/schema.ts';
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
