/**
 * Encoding session documents into a `LogLayout` (a binary row vector and string columns) and
 * back. A document that does not fit the layout exactly (a wrong JS type at a leaf, an extra or
 * missing key, an enum value the schema does not list, a null where the schema has none) is not
 * encoded: the store keeps it verbatim as JSON instead, so that reading it back returns the JSON
 * document that was written and the collection stage can count it by reason. Ranges are not
 * checked here.
 */
import { ABSENT_I32, ABSENT_U8, laneBases, laneViews, type LaneViews, type LeafOp, type LogLayout } from './log-layout.ts';

/** Separates the strings of a row's text cell, and values in a page's concatenation; never inside a stored string. */
export const SEPARATOR = '\u001f';
/** Stands for an absent string in a row's text cell. */
export const NULL_MARK = '\u001e';

/** A document split into its row vector and string columns. */
export interface Encoded {
  bytes: Uint8Array;
  strings: (string | null)[];
}

type Obj = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const storableString = (v: unknown): v is string => typeof v === 'string' && !v.includes(SEPARATOR) && !v.includes(NULL_MARK);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const int32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) > ABSENT_I32 && (v as number) <= 2147483647 && !Object.is(v, -0);

/** A row vector with every slot absent. */
function emptyRow(layout: LogLayout): { bytes: Uint8Array; views: LaneViews } {
  const bytes = new Uint8Array(layout.rowBytes);
  const views = laneViews(bytes);
  views.f64.fill(NaN, 0, layout.lanes.f64);
  const b = laneBases(layout, 0);
  views.i32.fill(ABSENT_I32, b.i32, b.i32 + layout.lanes.i32);
  views.u8.fill(ABSENT_U8, b.u8, b.u8 + layout.lanes.u8);
  return { bytes, views };
}

const KNOWN = new WeakMap<LogLayout, Set<string>[]>();

/** Per object node, the keys the layout knows (to detect extra keys). */
function knownKeys(layout: LogLayout): Set<string>[] {
  let known = KNOWN.get(layout);
  if (!known) {
    known = Array.from({ length: layout.nodes }, () => new Set<string>());
    for (const op of layout.ops) known[op.parent].add(op.key);
    KNOWN.set(layout, known);
  }
  return known;
}

/** Only defined keys count (JSON semantics: an undefined value is an absent key). */
const hasUnknownKey = (o: Obj, known: Set<string>) => Object.keys(o).some((k) => o[k] !== undefined && !known.has(k));

/** The slots and strings of a document, or null when it must be stored verbatim as JSON. */
export function encodeDocument(layout: LogLayout, doc: unknown): Encoded | null {
  const known = knownKeys(layout);
  if (!isPlainObject(doc) || hasUnknownKey(doc, known[0])) return null;
  const { bytes, views } = emptyRow(layout);
  const base = laneBases(layout, 0);
  const strings: (string | null)[] = new Array(layout.stringColumns.length).fill(null);
  const objects: (Obj | undefined)[] = new Array(layout.nodes);
  objects[0] = doc;
  for (const op of layout.ops) {
    const parent = objects[op.parent];
    if (parent === undefined) continue; // inside an absent optional object
    const value = parent[op.key];
    if (op.op === 'object') {
      if (value === undefined && op.optional) {
        views.u8[base.u8 + op.presence] = 0;
        continue;
      }
      if (!isPlainObject(value) || hasUnknownKey(value, known[op.node])) return null;
      objects[op.node] = value;
      if (op.presence >= 0) views.u8[base.u8 + op.presence] = 1;
    } else if (!encodeLeaf(op, value, views, base[op.lane] + op.slot, strings)) return null;
  }
  return { bytes, strings };
}

function encodeLeaf(op: LeafOp, value: unknown, views: LaneViews, at: number, strings: (string | null)[]): boolean {
  // An empty slot/NULL means "absent" for an optional leaf and "null" for a required nullable one.
  if (value === undefined) return op.optional;
  if (value === null) return op.nullable && !op.optional;
  switch (op.kind) {
    case 'number':
      if (op.lane === 'i32' ? !int32(value) : !finite(value)) return false;
      views[op.lane][at] = value as number;
      return true;
    case 'boolean':
      if (typeof value !== 'boolean') return false;
      views.u8[at] = value ? 1 : 0;
      return true;
    case 'enum': {
      const index = op.values.indexOf(value as string | number);
      if (index < 0) return false;
      views[op.lane][at] = index;
      return true;
    }
    case 'tuple':
      if (!Array.isArray(value) || value.length !== op.width || !value.every(finite)) return false;
      views.f64.set(value, at);
      return true;
    case 'string':
      if (!storableString(value)) return false;
      strings[op.column] = value;
      return true;
    case 'mixed':
      if (finite(value)) views.f64[at] = value;
      else if (storableString(value)) strings[op.column] = value;
      else return false;
      return true;
    case 'json': {
      const text = JSON.stringify(value);
      if (text === undefined || !sameJson(value, JSON.parse(text))) return false;
      strings[op.column] = text;
      return true;
    }
  }
}

/** True when a value survives a JSON round trip unchanged (no Dates, NaN, undefined…). */
function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || (!Array.isArray(a) && !isPlainObject(a))) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => sameJson((a as Obj)[k], (b as Obj)[k]));
}

/** A row's text cell: its strings joined (null when the layout has no string leaf). */
export function joinStrings(strings: readonly (string | null)[]): string | null {
  return strings.length ? strings.map((s) => s ?? NULL_MARK).join(SEPARATOR) : null;
}

/**
 * Rebuild row `i` of a page: `views` cover the page's row vectors back to back;
 * `strings[i * k + c]` is its string `c` of the layout's `k` (`NULL_MARK` when absent). Every object gets every key of its
 * schema, in schema order, an absent value as `undefined` (JSON's absent key): one shape per
 * object for all documents (see log-decoder.ts). No JSON parsing unless the schema has json
 * leaves. (The store runs the compiled equivalent, log-decoder.ts.)
 */
export function decodeDocument(layout: LogLayout, views: LaneViews, strings: readonly string[], i: number): Obj {
  const base = laneBases(layout, i);
  const first = i * layout.stringColumns.length;
  const objects: (Obj | undefined)[] = new Array(layout.nodes);
  const doc: Obj = {};
  objects[0] = doc;
  for (const op of layout.ops) {
    const parent = objects[op.parent];
    if (parent === undefined) continue;
    if (op.op === 'object') {
      if (op.presence >= 0 && views.u8[base.u8 + op.presence] !== 1) {
        parent[op.key] = undefined;
        continue;
      }
      const child: Obj = {};
      objects[op.node] = child;
      parent[op.key] = child;
      continue;
    }
    let value: unknown;
    if (op.slot >= 0) {
      const at = base[op.lane] + op.slot;
      const v = views[op.lane][at];
      const absent = op.lane === 'f64' ? v !== v : v === (op.lane === 'i32' ? ABSENT_I32 : ABSENT_U8);
      if (!absent) {
        if (op.kind === 'boolean') value = v === 1;
        else if (op.kind === 'enum') value = op.values[v];
        else if (op.kind === 'tuple') value = Array.from(views.f64.subarray(at, at + op.width));
        else value = v;
      }
    }
    if (value === undefined && op.column >= 0) {
      const s = strings[first + op.column];
      if (s !== NULL_MARK) value = op.kind === 'json' ? JSON.parse(s) : s;
    }
    parent[op.key] = value === undefined && op.nullable && !op.optional ? null : value;
  }
  return doc;
}
