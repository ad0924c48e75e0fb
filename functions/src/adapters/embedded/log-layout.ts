/**
 * The columnar layout of the embedded log table, derived by walking a zod object schema (the
 * interaction-log schema). Every leaf path (`context.viewport_width`) gets a fixed place:
 *
 * - numbers, booleans, enum and literal values (as their index), fixed-length number arrays (one
 *   slot per element) and the presence of optional objects get a *slot* in a small binary row
 *   vector (`_num`), in one of three lanes: `u8` (booleans, enums, presence; 255 = absent), `i32`
 *   (integers whose schema bounds fit; -2^31 = absent) and `f64` (other numbers; NaN = absent);
 * - free strings (and string-or-number leaves such as `timestamp`, when a string) get a place
 *   in the row's one text cell (`_str`: the strings in `stringColumns` order, joined by a
 *   separator; named by their path);
 * - anything else (none in the current schema) is one such place holding JSON text.
 *
 * Slots rather than one SQL column per number: `node:sqlite` costs ~0.1 µs per cell returned, so
 * fifty numeric columns cap a read at ~200k rows/s; one vector per row, concatenated per page in
 * SQL, moves a thousand rows' numbers in a single cell, and the narrow lanes keep rows short.
 * One text cell rather than one column per string for the same reason, inside SQLite: each
 * column a page query concatenates costs ~0.1 µs per row (measured over a million logs: the five
 * string columns took 0.48 µs of a 1.16 µs read per row; joined in one cell, 0.08 µs).
 * The layout is also the plan used to rebuild documents, in schema order.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';

/** How a leaf is stored. */
export type LeafKind = 'number' | 'boolean' | 'enum' | 'tuple' | 'string' | 'mixed' | 'json';

/** The three lanes of the row vector, in row order. */
export type Lane = 'f64' | 'i32' | 'u8';

/**
 * Version of the row encoding. 4: the string leaves joined in `_str`; 3 (one SQL column per
 * string leaf) is migrated on open; a table written with an older one must be rebuilt.
 */
export const CODEC_VERSION = 4;

/** The oldest row encoding a table is migrated from. */
export const OLDEST_MIGRATED_CODEC = 3;

/** Marks an absent value in the i32 lane (so the lane holds -2^31+1 … 2^31-1). */
export const ABSENT_I32 = -2147483648;
/** Marks an absent value in the u8 lane (so enums have at most 255 values there). */
export const ABSENT_U8 = 255;

/** An object node: the document (node 0) or a nested object, with its presence slot when optional. */
export interface ObjectOp {
  op: 'object';
  key: string;
  parent: number;
  node: number;
  optional: boolean;
  /** `u8` slot holding 1 (present) or 0 (absent) for an optional object, else -1. */
  presence: number;
}

/** A leaf and where it lives. */
export interface LeafOp {
  op: 'leaf';
  key: string;
  parent: number;
  kind: LeafKind;
  /** Lane, first slot in it (-1 when none) and how many slots (tuples: their length). */
  lane: Lane;
  slot: number;
  width: number;
  /** Index in `stringColumns` (-1 when none). */
  column: number;
  optional: boolean;
  nullable: boolean;
  /** Enum and literal values, by index. */
  values: (string | number)[];
}

/** Slots, string columns and the plan to encode/decode documents of one schema. */
export interface LogLayout {
  codec: number;
  /** Slots per lane. */
  lanes: Record<Lane, number>;
  /** Bytes of a row vector: f64 lane, i32 lane, u8 lane, padded to a multiple of 8. */
  rowBytes: number;
  /** Names (leaf paths joined with `.`) of the string leaves, in their order inside `_str`. */
  stringColumns: string[];
  ops: (ObjectOp | LeafOp)[];
  /** Number of object nodes (node 0 is the document itself). */
  nodes: number;
  /** Hash of the plan: when it changes, stored rows are re-encoded. */
  fingerprint: string;
}

type AnySchema = z.core.$ZodType;
interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  in?: AnySchema;
  element?: AnySchema;
  values?: unknown[];
  entries?: Record<string, string | number>;
  checks?: { _zod: { def: { check: string; length?: number; format?: string; value?: unknown; inclusive?: boolean } } }[];
}

const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Peel `optional`/`nullable`/`default`/`pipe` wrappers; what is left decides the storage. */
function unwrap(schema: AnySchema): { inner: AnySchema; optional: boolean; nullable: boolean } {
  let inner = schema;
  let optional = false;
  let nullable = false;
  for (;;) {
    const def = defOf(inner);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') optional = true;
    else if (def.type === 'nullable') nullable = true;
    else if (def.type !== 'pipe' && def.type !== 'readonly') return { inner, optional, nullable };
    inner = def.type === 'pipe' ? def.in! : def.innerType!;
  }
}

/** JS types a scalar schema accepts (`string`, `number`), or null for anything else. */
function scalarTypes(schema: AnySchema): Set<string> | null {
  const def = defOf(schema);
  if (def.type === 'string' || def.type === 'enum') return new Set(['string']);
  if (def.type === 'number') return new Set(['number']);
  if (def.type === 'literal') {
    const types = new Set((def.values ?? []).map((v) => typeof v));
    return [...types].every((t) => t === 'string' || t === 'number') ? types : null;
  }
  if (def.type !== 'union') return null;
  const out = new Set<string>();
  for (const option of def.options ?? []) {
    const { inner, optional, nullable } = unwrap(option);
    const types = optional || nullable ? null : scalarTypes(inner);
    if (!types) return null;
    for (const t of types) out.add(t);
  }
  return out;
}

/** True when a number schema only accepts integers within the i32 lane (bounds from its checks). */
function fitsI32(def: Def): boolean {
  const check = (name: string) => def.checks?.find((c) => c._zod.def.check === name)?._zod.def;
  const isInt = check('number_format')?.format === 'safeint' || check('number_format')?.format === 'int32';
  const min = check('greater_than')?.value;
  const max = check('less_than')?.value;
  return isInt && typeof min === 'number' && typeof max === 'number' && min > ABSENT_I32 && max <= 2147483647;
}

type Storage = { kind: LeafKind; lane: Lane; width: number; values: (string | number)[] };

/** How a leaf schema is stored, with its enum values. */
function classify(def: Def, inner: AnySchema): Storage {
  const enumOf = (values: (string | number)[]): Storage => ({ kind: 'enum', lane: values.length < ABSENT_U8 ? 'u8' : 'f64', width: 1, values });
  if (def.type === 'enum') return enumOf(Object.values(def.entries ?? {}));
  if (def.type === 'literal' && (def.values ?? []).every((v) => typeof v === 'string' || typeof v === 'number')) {
    return enumOf(def.values as (string | number)[]);
  }
  if (def.type === 'boolean') return { kind: 'boolean', lane: 'u8', width: 1, values: [] };
  if (def.type === 'array') {
    const length = def.checks?.find((c) => c._zod.def.check === 'length_equals')?._zod.def.length;
    const element = unwrap(def.element!);
    if (length !== undefined && !element.optional && !element.nullable && defOf(element.inner).type === 'number') {
      return { kind: 'tuple', lane: 'f64', width: length, values: [] };
    }
  }
  const types = scalarTypes(inner);
  if (types?.size === 2) return { kind: 'mixed', lane: 'f64', width: 1, values: [] };
  if (types?.has('number')) return { kind: 'number', lane: def.type === 'number' && fitsI32(def) ? 'i32' : 'f64', width: 1, values: [] };
  if (types?.has('string')) return { kind: 'string', lane: 'f64', width: 0, values: [] };
  return { kind: 'json', lane: 'f64', width: 0, values: [] };
}

/** Derive the layout of a zod object schema. */
export function layoutOf(schema: AnySchema): LogLayout {
  const stringColumns: string[] = [];
  const ops: (ObjectOp | LeafOp)[] = [];
  const lanes: Record<Lane, number> = { f64: 0, i32: 0, u8: 0 };
  let nodes = 1;
  const walk = (shape: Record<string, AnySchema>, parentPath: string[], parent: number) => {
    for (const [key, child] of Object.entries(shape)) {
      const path = [...parentPath, key];
      const { inner, optional, nullable } = unwrap(child);
      const def = defOf(inner);
      if (def.type === 'object' && !nullable) {
        const node = nodes++;
        ops.push({ op: 'object', key, parent, node, optional, presence: optional ? lanes.u8++ : -1 });
        walk(def.shape!, path, node);
        continue;
      }
      const { kind, lane, width, values } = classify(def, inner);
      const hasColumn = kind === 'string' || kind === 'mixed' || kind === 'json';
      ops.push({
        op: 'leaf',
        key,
        parent,
        kind,
        lane,
        slot: width > 0 ? lanes[lane] : -1,
        width,
        column: hasColumn ? stringColumns.push(path.join('.')) - 1 : -1,
        optional,
        nullable,
        values,
      });
      lanes[lane] += width;
    }
  };
  const root = defOf(unwrap(schema).inner);
  if (root.type !== 'object') throw new TypeError('layoutOf: the log schema must be an object schema');
  walk(root.shape!, [], 0);
  const rowBytes = Math.ceil((lanes.f64 * 8 + lanes.i32 * 4 + lanes.u8) / 8) * 8;
  const fingerprint = createHash('sha256').update(JSON.stringify({ CODEC_VERSION, lanes, stringColumns, ops })).digest('hex').slice(0, 16);
  return { codec: CODEC_VERSION, lanes, rowBytes, stringColumns, ops, nodes, fingerprint };
}

/** Typed views of row vectors (one row, or a page of rows back to back). */
export interface LaneViews {
  f64: Float64Array;
  i32: Int32Array;
  u8: Uint8Array;
}

/** Views over `bytes` (8-aligned, a whole number of rows); copied first when misaligned. */
export function laneViews(bytes: Uint8Array): LaneViews {
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  return {
    f64: new Float64Array(b.buffer, b.byteOffset, b.byteLength >> 3),
    i32: new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2),
    u8: b,
  };
}

/** Index of row `row`'s first slot in each lane's view. */
export function laneBases(layout: LogLayout, row: number): Record<Lane, number> {
  const start = row * layout.rowBytes;
  return { f64: start >> 3, i32: (start + layout.lanes.f64 * 8) >> 2, u8: start + layout.lanes.f64 * 8 + layout.lanes.i32 * 4 };
}
