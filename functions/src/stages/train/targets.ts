/**
 * The eleven models of a bundle: three classifiers (`css_class_*`, multi:softprob) and eight
 * regressors (`css_var_*`, reg:squarederror). A full retrain encodes class labels in the order
 * of `CLASS_LABELS`; an incremental update keeps its parent's encoding.
 */
import { CLASS_LABELS, TARGET_CLASS_COLUMNS, TARGET_VAR_COLUMNS } from '../../data/targets.ts';
import type { ClassEncoding, TargetEncoding } from '../../models/labels.ts';

/** The encodings of a fresh bundle. */
export function defaultTargets(): TargetEncoding[] {
  return [
    ...TARGET_CLASS_COLUMNS.map((name): TargetEncoding => ({ name, kind: 'class', objective: 'multi:softprob', labels: [...CLASS_LABELS[name]] })),
    ...TARGET_VAR_COLUMNS.map((name): TargetEncoding => ({ name, kind: 'var', objective: 'reg:squarederror' })),
  ];
}

/** The class targets of a list. */
export function classTargets(targets: readonly TargetEncoding[]): ClassEncoding[] {
  return targets.filter((t): t is ClassEncoding => t.kind === 'class');
}
