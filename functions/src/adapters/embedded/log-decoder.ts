/**
 * A decoder compiled for one layout: the same work as `decodeDocument`, unrolled into straight
 * code (one object literal per node, constant slot offsets), as zod compiles its object parsers.
 * Every object is built as one literal holding every key of its schema (`undefined` for an absent
 * optional value), so all decoded documents share one hidden class per node: code that reads
 * them (validation, targets, features) stays monomorphic. With presence-dependent shapes a
 * context object took one of 221 shapes over 200,000 simulated sessions, and the collection
 * stage's compiled validation ran at 1.1 µs per document instead of 0.5 µs. The generated source
 * uses only numbers from the layout and JSON-quoted keys.
 */
import { NULL_MARK, decodeDocument } from './log-codec.ts';
import { ABSENT_I32, ABSENT_U8, type LaneViews, type LeafOp, type LogLayout, type ObjectOp } from './log-layout.ts';

/** Rebuilds row `i` of a page (see `decodeDocument`). */
export type Decoder = (views: LaneViews, strings: readonly string[], i: number) => Record<string, unknown>;

type Op = ObjectOp | LeafOp;

/** Compile a decoder for `layout`; falls back to the generic loop where code generation is not allowed. */
export function compileDecoder(layout: LogLayout): Decoder {
  const enums: (string | number)[][] = [];
  const f64Bytes = layout.lanes.f64 * 8;
  const head = [
    'const F = views.f64, I = views.i32, U = views.u8;',
    `const start = i * ${layout.rowBytes}, bf = start >> 3, bi = (start + ${f64Bytes}) >> 2, bu = start + ${f64Bytes + layout.lanes.i32 * 4};`,
    `const sc = i * ${layout.stringColumns.length};`,
    'let v, s;',
  ];
  const slot = { f64: (k: number) => `F[bf + ${k}]`, i32: (k: number) => `I[bi + ${k}]`, u8: (k: number) => `U[bu + ${k}]` };
  const present = { f64: '(v = X) === v', i32: `(v = X) !== ${ABSENT_I32}`, u8: `(v = X) !== ${ABSENT_U8}` };
  const children = new Map<number, Op[]>();
  for (const op of layout.ops) children.set(op.parent, [...(children.get(op.parent) ?? []), op]);

  // The value of one leaf, as an expression (`v` and `s` are scratch variables).
  const leaf = (op: LeafOp): string => {
    const missing = op.nullable && !op.optional ? 'null' : 'undefined';
    const fromColumn = `(s = strings[sc + ${op.column}]) !== NULL_MARK ? ${op.kind === 'json' ? 'JSON.parse(s)' : 's'} : ${missing}`;
    if (op.slot < 0) return `(${fromColumn})`;
    const at = (j: number) => slot[op.lane](op.slot + j);
    let value = 'v';
    if (op.kind === 'boolean') value = 'v === 1';
    else if (op.kind === 'enum') value = `E[${enums.push(op.values) - 1}][v]`;
    else if (op.kind === 'tuple') value = `[${Array.from({ length: op.width }, (_, j) => at(j)).join(', ')}]`;
    const otherwise = op.kind === 'mixed' ? fromColumn : missing;
    return `(${present[op.lane].replace('X', at(0))} ? ${value} : ${otherwise})`;
  };
  // The object literal of one node, every key in schema order.
  const literal = (node: number, indent: string): string => {
    const inner = `${indent}  `;
    const entries = (children.get(node) ?? []).map((op) => {
      const key = JSON.stringify(op.key);
      if (op.op === 'leaf') return `${inner}${key}: ${leaf(op)},`;
      const child = literal(op.node, inner);
      return op.presence >= 0 ? `${inner}${key}: ${slot.u8(op.presence)} === 1 ? ${child} : undefined,` : `${inner}${key}: ${child},`;
    });
    return `{\n${entries.join('\n')}\n${indent}}`;
  };
  const source = `${head.join('\n')}\nreturn ${literal(0, '')};`;
  try {
    const make = new Function('E', 'NULL_MARK', `return function decode(views, strings, i) {\n${source}\n};`);
    return make(enums, NULL_MARK) as Decoder;
  } catch {
    return (views, strings, i) => decodeDocument(layout, views, strings, i);
  }
}
