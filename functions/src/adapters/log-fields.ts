/**
 * The two fields of a session document that every log store indexes: `timestamp` (the window)
 * and `session_duration` (the minimum-duration filter). Both adapters read them the same way, so
 * that a document lands in the same windows whether it is stored in Firestore or in SQLite.
 */
import { z } from 'zod';
import { DataError } from '../shared/errors.ts';

const IsoDateTime = z.iso.datetime({ offset: true });

/**
 * Epoch milliseconds of a `timestamp` value as the log schema accepts it on input (an ISO 8601
 * string with offset, or a number of ms; a Date also counts), or null when it has no place in
 * time. Documents with a null timestamp are stored but belong to no window.
 */
export function timestampMillis(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : null;
  if (typeof value === 'string' && IsoDateTime.safeParse(value).success) {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/** The `session_duration` of a document when it is a finite number, else null (never matches a minimum). */
export function sessionDurationOf(doc: unknown): number | null {
  const v = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).session_duration : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The `timestamp` field of a document (whatever its type), or undefined. */
export function timestampOf(doc: unknown): unknown {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>).timestamp : undefined;
}

/** Default documents per page when a query names none. */
export const DEFAULT_PAGE_SIZE = 1000;

/** A log query checked and reduced to numbers (ms); `limit` is Infinity when absent. */
export interface WindowQuery {
  startMs: number;
  endMs: number;
  minSessionDurationMs: number | null;
  pageSize: number;
  limit: number;
}

/** Check a query's window, page size and limit; DataError names what is wrong. */
export function windowQuery(q: {
  start: Date;
  end: Date;
  minSessionDurationMs?: number;
  pageSize?: number;
  limit?: number;
}): WindowQuery {
  const fail = (what: string) => {
    throw new DataError(`Invalid log query: ${what}`, { stage: 'storage', details: { query: String(JSON.stringify(q)) } });
  };
  const startMs = q.start instanceof Date ? q.start.getTime() : NaN;
  const endMs = q.end instanceof Date ? q.end.getTime() : NaN;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) fail('start and end must be valid Dates');
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) fail(`pageSize must be a positive integer, got ${pageSize}`);
  const limit = q.limit ?? Infinity;
  if (limit !== Infinity && (!Number.isInteger(limit) || limit < 0)) fail(`limit must be a non-negative integer, got ${limit}`);
  const min = q.minSessionDurationMs;
  if (min !== undefined && !Number.isFinite(min)) fail(`minSessionDurationMs must be a number, got ${min}`);
  return { startMs, endMs, minSessionDurationMs: min ?? null, pageSize, limit };
}

/**
 * Check a document id as Firestore would (non-empty, no `/`, not `.`/`..`/`__…__`, ≤ 1500 bytes),
 * and without control characters (the embedded store uses two as separators).
 */
export function checkDocumentId(id: unknown): string {
  if (
    typeof id !== 'string' ||
    id === '' ||
    id === '.' ||
    id === '..' ||
    id.includes('/') ||
    /^__.*__$/.test(id) ||
    /[\u0000-\u001f]/.test(id) ||
    Buffer.byteLength(id) > 1500
  ) {
    throw new DataError(`Invalid document id ${JSON.stringify(id)}: a non-empty string without "/" or control characters, not "." or "..", at most 1500 bytes`, {
      stage: 'storage',
      details: { id: String(id) },
    });
  }
  return id;
}
