/**
 * How well a version would have served a period: its predictions for the period's sessions (from
 * their contexts, as the serving path computes them) against the targets inferred from what the
 * users did (the late labels), per class target. A replay cannot know what users would have done
 * under another model, so the labels are those of the sessions as they happened — inferred
 * relative to what was really served — which is the best evidence the history holds.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { FEATURE_COUNT, prepareFeaturesV2 } from '../../data/features.ts';
import { TARGET_CLASS_COLUMNS, inferTargets, type TargetClassColumn } from '../../data/targets.ts';
import { predictBundle, readBundle } from '../../models/bundle.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { validateLog } from '../collect/log-validation.ts';

/** Accuracy of a version on a period. */
export interface PeriodAccuracy {
  version: string;
  /** Sessions whose targets could be inferred. */
  sessions: number;
  /** Mean of the three class accuracies (null without a session). */
  meanAccuracy: number | null;
  targets: Record<TargetClassColumn, number | null>;
}

/** Score `version` on the sessions of `[start, end)`. */
export async function versionAccuracy(ports: Pick<Ports, 'logs' | 'artifacts'>, config: RetrainingConfig, version: string, window: { start: Date; end: Date }): Promise<PeriodAccuracy> {
  const prefix = config.pipeline.layout.modelsPrefix;
  const manifest = await new ModelRegistry(ports.artifacts, prefix).manifest(version);
  const bundle = await readBundle(ports.artifacts, prefix, version, manifest);
  const classTargets = bundle.labels.targets.filter((t) => t.kind === 'class');
  const features: number[] = [];
  const labels: Array<Record<TargetClassColumn, string>> = [];
  const row = new Float64Array(FEATURE_COUNT);
  const query = { start: window.start, end: window.end, minSessionDurationMs: config.dataCollection.minSessionDurationMs, pageSize: config.dataCollection.pageSize };
  for await (const page of ports.logs.pages(query)) {
    for (const raw of page) {
      const v = validateLog(raw.data);
      if (!v.ok) continue;
      const t = inferTargets(v.log);
      if (!t.ok) continue;
      prepareFeaturesV2(v.log.context, row, 0);
      for (const x of row) features.push(x);
      labels.push(t.classes);
    }
  }
  const n = labels.length;
  const targets = Object.fromEntries(TARGET_CLASS_COLUMNS.map((c) => [c, null])) as Record<TargetClassColumn, number | null>;
  if (!n) return { version, sessions: 0, meanAccuracy: null, targets };
  const preds = predictBundle({ ...bundle, labels: { ...bundle.labels, targets: classTargets } }, Float32Array.from(features), n);
  for (const t of classTargets) {
    if (t.kind !== 'class') continue;
    const name = t.name as TargetClassColumn;
    const k = t.labels.length;
    const p = preds[name];
    let correct = 0;
    for (let r = 0; r < n; r++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (p[r * k + j] > p[r * k + best]) best = j;
      if (t.labels[best] === labels[r][name]) correct += 1;
    }
    targets[name] = correct / n;
  }
  const accs = TARGET_CLASS_COLUMNS.map((c) => targets[c]).filter((a): a is number => a !== null);
  return { version, sessions: n, meanAccuracy: accs.reduce((a, b) => a + b, 0) / accs.length, targets };
}
