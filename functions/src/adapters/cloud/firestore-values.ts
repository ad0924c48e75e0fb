/**
 * Converting documents between our plain JSON shape and Firestore's. Going in, `undefined`
 * values are dropped (JSON semantics, which Firestore would otherwise reject); coming out, every
 * Timestamp becomes an ISO 8601 string, so that a document read from Firestore looks like one
 * read from the embedded store. Firestore errors are mapped onto the pipeline's error classes.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { ConflictError, NotFoundError, TransientError } from '../../shared/errors.ts';

/** A copy of `value` without `undefined` entries (in objects) — Firestore refuses them. */
export function toFirestoreValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toFirestoreValue(v)));
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof Timestamp || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toFirestoreValue(v);
  return out;
}

/** A copy of a Firestore value with every Timestamp (and Date) as an ISO string. */
export function fromFirestoreValue(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(fromFirestoreValue);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = fromFirestoreValue(v);
  return out;
}

const TRANSIENT_GRPC = new Set([4, 8, 10, 14]);

/** Map a Firestore (gRPC) error onto ConflictError, NotFoundError or TransientError; others pass through. */
export function mapFirestoreError(err: unknown, what: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const details = { what, grpcCode: typeof code === 'number' ? code : String(code) };
  if (code === 6) return new ConflictError(`${what}: already exists`, { stage: 'storage', details, cause: err });
  if (code === 5) return new NotFoundError(`${what}: not found`, { stage: 'storage', details, cause: err });
  if (typeof code === 'number' && TRANSIENT_GRPC.has(code)) {
    return new TransientError(`${what}: Firestore unavailable (${(err as Error).message})`, { stage: 'storage', details, cause: err });
  }
  return err;
}
