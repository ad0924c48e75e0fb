/**
 * Deliberately malformed documents, the kinds of damage a production collection accumulates
 * (old app versions, partial writes, garbage values), so the collection stage's validation and
 * skip counters can be exercised. Every kind fails `InteractionLogSchema`.
 */
import type { Rng } from './prng.ts';

/** The kinds of damage, one picked per malformed document. */
export const MALFORMED_KINDS = ['missing_context', 'bad_timestamp', 'out_of_range', 'wrong_type', 'old_schema_version', 'not_an_object'] as const;

/** A kind of damage. */
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** Damage a valid document in place (or replace it) and say how. */
export function corrupt(doc: Record<string, unknown>, rng: Rng): { data: unknown; kind: MalformedKind } {
  const kind = rng.pick(MALFORMED_KINDS);
  switch (kind) {
    case 'missing_context':
      delete doc.context;
      return { data: doc, kind };
    case 'bad_timestamp':
      doc.timestamp = 'yesterday-ish';
      return { data: doc, kind };
    case 'out_of_range':
      (doc.context as Record<string, unknown>).viewport_width = -1;
      return { data: doc, kind };
    case 'wrong_type':
      doc.session_duration = String(doc.session_duration);
      return { data: doc, kind };
    case 'old_schema_version':
      doc.schema_version = 1;
      return { data: doc, kind };
    default:
      return { data: `corrupt:${String(doc.session_id)}`, kind };
  }
}
