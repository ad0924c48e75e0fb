/**
 * Validating one stored session against `InteractionLogSchema`, and naming why a bad one is
 * skipped. A valid document takes the compiled fast check (same verdict as zod, no allocation);
 * only a failing one goes through zod, whose first issue becomes the reason the stage counts it
 * under. zod reports a log's issues field by field in schema order, so its first issue lies in
 * the first top-level field the compiled checks reject: zod parses that field alone, and builds
 * its error without an `Error` (no stack trace) — ~5 µs per bad log instead of ~20–40 µs:
 *
 * | reason                          | when                                                   |
 * |---------------------------------|--------------------------------------------------------|
 * | `not_an_object`                 | the document is not a JSON object                       |
 * | `missing_field:<path>`          | a required field (or its parent object) is absent      |
 * | `wrong_schema_version`          | `schema_version` is present but not the current one    |
 * | `bad_timestamp`                 | `timestamp` is not ISO 8601 / epoch ms in 2000–2100     |
 * | `invalid_type:<path>`           | wrong JSON type (string for a number, NaN, …)          |
 * | `not_integer:<path>`            | a fractional number where an integer is required       |
 * | `invalid_enum:<path>`           | a value outside the allowed set                        |
 * | `out_of_range:<path>`           | a number below its minimum or above its maximum        |
 * | `invalid_length:<path>`         | a string or array of the wrong length                  |
 * | `invalid_format:<path>`         | a string not matching its pattern (e.g. `locale`)      |
 *
 * Paths are dotted; array indices collapse to `[]` (`served.css_vars[]`), so the number of
 * distinct reasons is bounded by the schema, not by the data.
 */
import { z } from 'zod';
import { InteractionLogSchema, LOG_SCHEMA_VERSION, TimestampSchema, type InteractionLog } from '../../data/log-schema.ts';
import { compileFastCheck, type FastCheck } from './fast-check.ts';

/** The outcome of validating one document. */
export type LogVerdict = { ok: true; log: InteractionLog } | { ok: false; reason: string; message: string };

const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);

// The ISO datetime pattern of the timestamp's string branch, taken from the schema itself.
function isoPattern(): RegExp {
  const union = (TimestampSchema as unknown as { _zod: { def: { in: { _zod: { def: { options: Array<{ _zod: { pattern?: RegExp } }> } } } } } })._zod
    .def.in;
  const re = union._zod.def.options[0]?._zod.pattern;
  if (!(re instanceof RegExp)) throw new Error('TimestampSchema: expected an ISO datetime first in its union');
  return re;
}
const ISO = isoPattern();

// The epoch ms the last successful timestamp check computed (saves a second Date.parse).
let lastTimestampMs = NaN;

// Sessions come in time order, so consecutive ISO timestamps mostly share their date. The date
// part (`YYYY-MM-DDT`) of the last one that passed the full check, and its epoch ms: a timestamp
// with the same date in the shape `HH:MM:SS.mmmZ` only needs its time of day read.
let knownDay = '';
let knownDayMs = NaN;

const digit = (s: string, i: number) => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};

/** Milliseconds into the day of `…THH:MM:SS.mmmZ` (24 characters, as ISO's pattern accepts it), or NaN. */
function timeOfDayMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return NaN;
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const min = digit(s, 14) * 10 + digit(s, 15);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  const ms = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
  // NaN fails every comparison.
  if (!(hour <= 23 && min <= 59 && sec <= 59 && ms >= 0)) return NaN;
  return ((hour * 60 + min) * 60 + sec) * 1000 + ms;
}

/** Epoch ms of an ISO timestamp as the schema's pattern and `Date.parse` read it, or NaN when the pattern rejects it. */
function isoMillis(v: string): number {
  if (knownDay !== '' && v.startsWith(knownDay)) {
    const t = timeOfDayMs(v);
    if (t === t) return knownDayMs + t;
  }
  ISO.lastIndex = 0;
  if (!ISO.test(v)) return NaN;
  const ms = Date.parse(v);
  const t = timeOfDayMs(v);
  if (t === t && Number.isFinite(ms)) {
    knownDay = v.slice(0, 11);
    knownDayMs = ms - t;
  }
  return ms;
}

/** Mirrors TimestampSchema (union of ISO string and integer, then the 2000–2100 transform). */
const timestampCheck: FastCheck = (v) => {
  let ms: number;
  if (typeof v === 'string') {
    ms = isoMillis(v);
    if (ms !== ms) return false;
  } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
    ms = v;
  } else return false;
  lastTimestampMs = ms;
  return Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS;
};

const OVERRIDES = new Map<z.ZodType, FastCheck>([[TimestampSchema, timestampCheck]]);

/** True when `InteractionLogSchema.safeParse(value).success` would be. */
export const fastLogCheck: FastCheck = compileFastCheck(InteractionLogSchema, OVERRIDES);

const SHAPE: Record<string, z.ZodType> = InteractionLogSchema.shape;
/** The top-level fields and the compiled check of each, in schema order. */
const FIELDS = Object.keys(SHAPE).map((key) => ({ key, schema: SHAPE[key], check: compileFastCheck(SHAPE[key], OVERRIDES) }));

/** `safeParse` whose error is a plain `$ZodError` (same issues, no `Error` construction). */
const safeParsePlain = z.core._safeParse(z.core.$ZodError);

/** zod's first issue on a log that fails, or null when zod accepts it after all. */
function firstIssue(data: unknown): z.core.$ZodIssue | null {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const d = data as Record<string, unknown>;
    const field = FIELDS.find((f) => !f.check(d[f.key]));
    const res = field && safeParsePlain(field.schema, d[field.key]);
    if (res && !res.success) {
      const issue = res.error.issues[0];
      return { ...issue, path: [field.key, ...issue.path] };
    }
  }
  // Not an object, or the compiled checks and zod disagree on a field: zod on the whole log decides.
  const res = safeParsePlain(InteractionLogSchema, data);
  return res.success ? null : res.error.issues[0];
}

function pathOf(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += '[]';
    else s += s ? `.${String(p)}` : String(p);
  }
  return s;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** The counted reason for the first issue zod reports on a document. */
export function reasonOf(issue: z.core.$ZodIssue, data: unknown): string {
  const path = issue.path;
  if (path.length === 0) return issue.code === 'invalid_type' ? 'not_an_object' : `${issue.code}`;
  const p = pathOf(path);
  const missing = valueAt(data, path) === undefined;
  if (path[0] === 'schema_version' && path.length === 1) return missing ? 'missing_field:schema_version' : 'wrong_schema_version';
  if (path[0] === 'timestamp' && path.length === 1) return missing ? 'missing_field:timestamp' : 'bad_timestamp';
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return `missing_field:${p}`;
      return issue.expected === 'int' ? `not_integer:${p}` : `invalid_type:${p}`;
    case 'invalid_union':
      return missing ? `missing_field:${p}` : `invalid_type:${p}`;
    case 'invalid_value':
      return `invalid_enum:${p}`;
    case 'too_small':
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array' ? `invalid_length:${p}` : `out_of_range:${p}`;
    case 'invalid_format':
      return `invalid_format:${p}`;
    default:
      return `${issue.code}:${p}`;
  }
}

/**
 * `validateLog` for a loop that is done with each log before it validates the next: a document
 * the fast check accepts fills `into` (the same fields, `explicit` undefined when absent) and is
 * returned without allocating anything; otherwise null, and `validateLog` gives the verdict.
 */
export function validLogInto(data: unknown, into: InteractionLog): InteractionLog | null {
  if (!fastLogCheck(data)) return null;
  const d = data as Record<string, any>;
  into.schema_version = LOG_SCHEMA_VERSION;
  into.session_id = d.session_id;
  into.user_id = d.user_id;
  into.timestamp = lastTimestampMs;
  into.session_duration = d.session_duration;
  into.context = d.context;
  into.served = d.served;
  into.behavior = d.behavior;
  into.explicit = d.explicit;
  return into;
}

/**
 * Validate one stored document. On success the returned log holds the document's own nested
 * objects (not copies: unknown extra keys are ignored by every reader) and the timestamp in epoch
 * ms, exactly as zod would produce it.
 */
export function validateLog(data: unknown): LogVerdict {
  if (fastLogCheck(data)) {
    const d = data as Record<string, any>;
    const log: InteractionLog = {
      schema_version: LOG_SCHEMA_VERSION,
      session_id: d.session_id,
      user_id: d.user_id,
      timestamp: lastTimestampMs,
      session_duration: d.session_duration,
      context: d.context,
      served: d.served,
      behavior: d.behavior,
    };
    if (d.explicit !== undefined) log.explicit = d.explicit;
    return { ok: true, log };
  }
  const issue = firstIssue(data);
  // The fast check and zod disagree only if the schema gained logic the compiler does not mirror;
  // zod's verdict wins.
  if (issue === null) return { ok: true, log: InteractionLogSchema.parse(data) };
  return { ok: false, reason: reasonOf(issue, data), message: `${pathOf(issue.path) || '(root)'}: ${issue.message}` };
}
