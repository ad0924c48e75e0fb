/**
 * The targets of a bundle and their label encodings: which model file predicts which column,
 * with which objective, and for a class target which label each output index stands for.
 */
import { z } from 'zod';

/** One model of a bundle. */
export const TargetEncodingSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('class'),
    objective: z.literal('multi:softprob'),
    /** Label of output index i is `labels[i]`. */
    labels: z.array(z.string().min(1)).min(2),
  }),
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('var'),
    objective: z.literal('reg:squarederror'),
  }),
]);

/** `labels.json`: every model of the bundle, in prediction order. */
export const LabelsSchema = z.strictObject({
  targets: z.array(TargetEncodingSchema).min(1),
});

export type TargetEncoding = z.infer<typeof TargetEncodingSchema>;
export type ClassEncoding = Extract<TargetEncoding, { kind: 'class' }>;
export type Labels = z.infer<typeof LabelsSchema>;

/** Index of each label of a class target. */
export function labelIndex(t: ClassEncoding): Map<string, number> {
  return new Map(t.labels.map((l, i) => [l, i]));
}
