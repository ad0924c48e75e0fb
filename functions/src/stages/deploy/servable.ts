/**
 * The check every deployment makes before users can get a version, whatever the strategy: the
 * version is complete and intact (every file against its manifest's sha256) and this serving code
 * can serve it (the 19 features, the three classes with labels the app knows, the eight
 * variables). The deployer, rollback and the safety gate never hand users anything else.
 */
import { LabelsSchema } from '../../models/labels.ts';
import { BUNDLE_FILES } from '../../models/layout.ts';
import type { Manifest } from '../../models/manifest.ts';
import type { ModelRegistry } from '../../models/registry.ts';
import { verifyVersion } from '../../models/verify.ts';
import { servingProblems } from '../../serving/serving-model.ts';

/** Whether a version may be served, and why not. */
export interface ServableCheck {
  version: string;
  ok: boolean;
  problems: string[];
  manifest: Manifest | null;
}

/** Verify a version and check that it can be served. */
export async function checkServable(registry: ModelRegistry, version: string): Promise<ServableCheck> {
  const check = await verifyVersion(registry, version);
  if (!check.ok || !check.manifest) return { version, ok: false, problems: check.problems, manifest: check.manifest };
  const labels = LabelsSchema.parse(JSON.parse((await registry.store.get(registry.layout.file(version, BUNDLE_FILES.labels))).toString('utf8')));
  const problems = servingProblems(check.manifest.features, labels);
  return { version, ok: problems.length === 0, problems, manifest: check.manifest };
}
