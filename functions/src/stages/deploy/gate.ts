/**
 * The seam of the `safe` strategy: a gate that says whether a candidate may replace the serving
 * version. The deploy stage takes it as an argument; the functions and the CLI pass the
 * evaluation-based `validationGate`, which starts with the integrity checks here.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { LabelsSchema, type Labels } from '../../models/labels.ts';
import { BUNDLE_FILES } from '../../models/layout.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { checkServable } from './servable.ts';

/** A gate's answer; `metrics` and `reportPath` go into the deployment record as they are. */
export interface GateResult {
  passed: boolean;
  reasons: string[];
  /** Bucket path of the report behind the decision (a comparison report), when there is one. */
  reportPath: string | null;
  metrics: Record<string, unknown>;
}

/** Decides whether `candidate` may replace `serving` (null: nothing serves yet). */
export type SafetyGate = (candidate: string, serving: string | null) => Promise<GateResult>;

/** Said by the integrity gate used alone, so every record shows which checks were made. */
export const INTERIM_GATE_NOTE = 'integrity and compatibility only: no evaluation (the validation gate, stages/deploy/validation-gate.ts, adds it)';

async function labelsOf(registry: ModelRegistry, version: string): Promise<Labels> {
  return LabelsSchema.parse(JSON.parse((await registry.store.get(registry.layout.file(version, BUNDLE_FILES.labels))).toString('utf8')));
}

/**
 * The integrity gate: both versions verify against their manifests, and the candidate predicts the
 * same targets from the same features with the same labels and objectives as the serving one.
 */
export function integrityGate(ports: Pick<Ports, 'artifacts'>, config: RetrainingConfig): SafetyGate {
  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  return async (candidate, serving) => {
    const reasons: string[] = [];
    const cand = await checkServable(registry, candidate);
    if (!cand.ok) reasons.push(`${candidate} fails verification: ${cand.problems.join('; ')}`);
    let compatible: boolean | null = null;
    if (serving && serving !== candidate) {
      const cur = await checkServable(registry, serving);
      // A damaged serving version is a reason to replace it, not to keep it.
      if (!cur.ok) reasons.push(`note: the serving version ${serving} fails verification (${cur.problems.join('; ')})`);
      else if (cand.ok) {
        const sameFeatures = JSON.stringify(cand.manifest!.features) === JSON.stringify(cur.manifest!.features);
        const sameTargets = JSON.stringify((await labelsOf(registry, candidate)).targets) === JSON.stringify((await labelsOf(registry, serving)).targets);
        compatible = sameFeatures && sameTargets;
        if (!sameFeatures) reasons.push(`${candidate} reads other features than ${serving}`);
        if (!sameTargets) reasons.push(`${candidate} predicts other targets, labels or objectives than ${serving}`);
      }
    }
    const passed = cand.ok && compatible !== false;
    if (passed) reasons.push(serving && serving !== candidate ? `${candidate} verifies and is compatible with ${serving}` : `${candidate} verifies`);
    reasons.push(INTERIM_GATE_NOTE);
    return { passed, reasons, reportPath: null, metrics: { gate: 'integrity', candidateProblems: cand.problems, compatible } };
  };
}
