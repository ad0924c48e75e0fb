/**
 * API compatibility of two versions: can B be swapped in behind the serving code that serves A?
 * Same features in the same order, the same targets, the same labels per class target in the
 * same output order, the same objectives, and the same output shapes.
 */
import type { LoadedBundle } from '../../models/bundle.ts';
import type { Compatibility } from './comparison-report.ts';

/** Check every part of the serving contract; each failure is a reason naming what differs. */
export function checkCompatibility(a: LoadedBundle, b: LoadedBundle): Compatibility {
  const reasons: string[] = [];
  const fa = a.scaler.features;
  const fb = b.scaler.features;
  const features = JSON.stringify(fa) === JSON.stringify(fb) && JSON.stringify(a.manifest.features) === JSON.stringify(b.manifest.features);
  if (!features) {
    if (fa.length !== fb.length) reasons.push(`feature count differs: ${fa.length} vs ${fb.length}`);
    else {
      const i = fa.findIndex((f, k) => f !== fb[k]);
      reasons.push(i >= 0 ? `feature order differs at position ${i}: ${fa[i]} vs ${fb[i]}` : 'the manifests list different features');
    }
  }
  const na = a.labels.targets.map((t) => t.name);
  const nb = b.labels.targets.map((t) => t.name);
  const targets = JSON.stringify(na) === JSON.stringify(nb);
  if (!targets) {
    const onlyA = na.filter((n) => !nb.includes(n));
    const onlyB = nb.filter((n) => !na.includes(n));
    reasons.push(`targets differ${onlyA.length ? `; only in A: ${onlyA.join(', ')}` : ''}${onlyB.length ? `; only in B: ${onlyB.join(', ')}` : ''}${!onlyA.length && !onlyB.length ? ' in order' : ''}`);
  }
  let labels = true;
  let objectives = true;
  let outputShapes = true;
  for (const ta of a.labels.targets) {
    const tb = b.labels.targets.find((t) => t.name === ta.name);
    if (!tb) continue;
    if (ta.objective !== tb.objective || ta.kind !== tb.kind) {
      objectives = false;
      reasons.push(`${ta.name}: objective ${ta.objective} vs ${tb.objective}`);
    }
    if (ta.kind === 'class' && tb.kind === 'class' && JSON.stringify(ta.labels) !== JSON.stringify(tb.labels)) {
      labels = false;
      reasons.push(`${ta.name}: labels [${ta.labels.join(', ')}] vs [${tb.labels.join(', ')}]`);
    }
    const ga = a.boosters[ta.name]?.numGroups;
    const gb = b.boosters[ta.name]?.numGroups;
    const wa = a.boosters[ta.name]?.numFeature;
    const wb = b.boosters[ta.name]?.numFeature;
    if (ga !== gb || wa !== wb) {
      outputShapes = false;
      reasons.push(`${ta.name}: model shape ${wa} features → ${ga} outputs vs ${wb} → ${gb}`);
    }
  }
  return { compatible: reasons.length === 0, reasons, checks: { features, targets, labels, objectives, outputShapes } };
}
