/**
 * Object paths of the artefact port, checked the same way by both stores so that a path that
 * works locally also works in Cloud Storage: `/`-separated, relative, no empty, `.` or `..`
 * segments, no backslashes or control characters, and no segment starting with `.~` (reserved
 * for the folder store's temporary and lock files).
 */
import { DataError } from '../shared/errors.ts';

/** Prefix of the folder store's own files (temporary uploads, locks); never a valid segment start. */
export const RESERVED_SEGMENT_PREFIX = '.~';

function invalid(path: unknown, why: string): never {
  throw new DataError(`Invalid object path ${JSON.stringify(path)}: ${why}`, { stage: 'storage', code: 'INVALID_PATH', details: { path: String(path) } });
}

/** Check an object path; returns it unchanged or throws a DataError naming it. */
export function checkObjectPath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) invalid(path, 'must be a non-empty string');
  checkSegments(path, path.split('/'));
  if (Buffer.byteLength(path) > 1024) invalid(path, 'longer than 1024 bytes');
  return path;
}

/**
 * Check a listing prefix: like a path, but it may be empty and may end with `/`; the last segment
 * may be partial (`models/v_2026` matches `models/v_20260101_…`).
 */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') invalid(prefix, 'must be a string');
  if (prefix === '') return prefix;
  const segments = prefix.split('/');
  if (segments.at(-1) === '') segments.pop();
  checkSegments(prefix, segments);
  return prefix;
}

function checkSegments(path: string, segments: string[]): void {
  if (path.startsWith('/')) invalid(path, 'must be relative (no leading "/")');
  for (const s of segments) {
    if (s === '') invalid(path, 'has an empty segment ("//" or a trailing "/")');
    if (s === '.' || s === '..') invalid(path, `has a "${s}" segment`);
    if (s.startsWith(RESERVED_SEGMENT_PREFIX)) invalid(path, `segments starting with "${RESERVED_SEGMENT_PREFIX}" are reserved`);
  }
  if (/[\\\u0000-\u001f\u007f]/.test(path)) invalid(path, 'contains a backslash or a control character');
}
