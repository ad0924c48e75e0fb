/**
 * The data-quality check before training: a class target whose training rows hold a single
 * class, or a class rarer than `minTrainClassShare`, would train a model that never predicts that
 * class (the "accuracy 1.0 on one-class data" case). It is refused with the target and class
 * named, before anything is trained.
 */
import type { TargetEncoding } from '../../models/labels.ts';
import type { TrainingTable } from '../train/dataset.ts';

/** Findings of the check: one per offending target and class (empty when the data is fit to train on). */
export function checkClassBalance(table: TrainingTable, targets: readonly TargetEncoding[], minTrainClassShare: number): string[] {
  const findings: string[] = [];
  for (const t of targets) {
    if (t.kind !== 'class') continue;
    const counts = new Array<number>(t.labels.length).fill(0);
    let n = 0;
    for (const c of table.classes[t.name]) {
      if (c < 0) continue;
      counts[c] += 1;
      n += 1;
    }
    if (!n) continue;
    const present = counts.filter((c) => c > 0).length;
    if (present <= 1) {
      const only = t.labels[counts.findIndex((c) => c > 0)];
      findings.push(`data_quality: ${t.name} has a single class in the training data (${only}, ${n} rows): a model of it would be constant`);
      continue;
    }
    t.labels.forEach((label, i) => {
      const share = counts[i] / n;
      if (share < minTrainClassShare) findings.push(`data_quality: ${t.name} class ${label} has ${counts[i]} of ${n} training rows (${(share * 100).toFixed(2)} % < minTrainClassShare ${(minTrainClassShare * 100).toFixed(2)} %)`);
    });
  }
  return findings;
}
