import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { NULL_MARK, decodeDocument, encodeDocument, type Encoded } from '../../../functions/src/adapters/embedded/log-codec.ts';
import { compileDecoder } from '../../../functions/src/adapters/embedded/log-decoder.ts';
import { laneViews, layoutOf, type LogLayout } from '../../../functions/src/adapters/embedded/log-layout.ts';
import { InteractionLogSchema } from '../../../functions/src/data/log-schema.ts';
import { badLogs, definedOnly, validLog } from '../contracts/log-fixtures.ts';

/** Decode one encoded document both ways (generic loop and compiled). */
function roundTrip(layout: LogLayout, enc: Encoded): [unknown, unknown] {
  const strings = enc.strings.map((s) => s ?? NULL_MARK);
  const views = laneViews(enc.bytes);
  return [decodeDocument(layout, views, strings, 0), compileDecoder(layout)(views, strings, 0)];
}

describe('log layout', () => {
  const layout = layoutOf(InteractionLogSchema);
  it('gives every leaf of the log schema a place, strings as columns named by path', () => {
    assert.deepEqual(layout.stringColumns, ['session_id', 'user_id', 'timestamp', 'context.locale', 'served.model_version']);
    const kind = (key: string) => layout.ops.flatMap((o) => (o.op === 'leaf' && o.key === key ? [o.kind] : []))[0];
    assert.equal(kind('css_vars'), 'tuple');
    assert.equal(kind('prefers_reduced_motion'), 'boolean');
    assert.equal(kind('device_class'), 'enum');
    assert.equal(kind('timestamp'), 'mixed');
    assert.equal(kind('viewport_width'), 'number');
    const lane = (key: string) => layout.ops.flatMap((o) => (o.op === 'leaf' && o.key === key ? [o.lane] : []))[0];
    assert.equal(lane('viewport_width'), 'i32', 'bounded integers take 4 bytes');
    assert.equal(lane('device_class'), 'u8', 'enums take 1 byte');
    assert.equal(lane('local_hour'), 'f64');
    assert.equal(layout.rowBytes % 8, 0);
    assert.ok(layout.ops.some((o) => o.op === 'object' && o.key === 'explicit' && o.presence >= 0));
    assert.equal(layoutOf(InteractionLogSchema).fingerprint, layout.fingerprint);
  });
});

describe('log codec', () => {
  const layout = layoutOf(InteractionLogSchema);
  const ts = '2026-03-01T00:00:00.000Z';
  const cases: [string, unknown][] = [
    ['valid, ISO timestamp', validLog(ts, 60_000, 0)],
    ['valid, ms timestamp, null model version', validLog(Date.parse(ts), 60_000, 1)],
    ['valid, without explicit', validLog(ts, 60_000, 2)],
    ...Object.entries(badLogs(ts)),
  ];
  for (const [name, doc] of cases) {
    it(`${name}: encodes and decodes to the same document, or is left to JSON`, () => {
      const enc = encodeDocument(layout, doc);
      if (!enc) return;
      const [generic, compiled] = roundTrip(layout, enc);
      assert.deepStrictEqual(definedOnly(generic), definedOnly(doc));
      assert.deepStrictEqual(compiled, generic);
    });
  }

  it('gives every decoded object every key of its schema, in schema order, so all documents share one shape', () => {
    const shapes = (doc: unknown) => {
      const d = doc as Record<string, Record<string, unknown> | undefined>;
      return [Object.keys(d), ...['context', 'served', 'behavior', 'explicit'].map((k) => (d[k] === undefined ? null : Object.keys(d[k])))];
    };
    const decoded = [0, 1, 2, 3].map((i) => {
      const doc = validLog(i % 2 ? Date.parse(ts) : ts, 60_000, i) as Record<string, any>;
      if (i === 2) delete doc.context.forced_colors;
      if (i === 3) doc.explicit = { font: 'large' };
      return roundTrip(layout, encodeDocument(layout, doc)!);
    });
    const shape = InteractionLogSchema.shape;
    const keys = (s: z.ZodObject) => Object.keys(s.shape);
    for (const [generic, compiled] of decoded) {
      assert.deepStrictEqual(shapes(generic), shapes(compiled));
      const [root, context, served, behavior, explicit] = shapes(compiled);
      assert.deepStrictEqual(root, Object.keys(shape));
      assert.deepStrictEqual(context, keys(shape.context));
      assert.deepStrictEqual(served, keys(shape.served));
      assert.deepStrictEqual(behavior, keys(shape.behavior));
      assert.ok(explicit === null || explicit.join() === keys(shape.explicit.unwrap()).join(), String(explicit));
    }
    assert.equal((decoded[2][1] as { context: { forced_colors?: boolean } }).context.forced_colors, undefined);
    assert.equal((decoded[1][1] as { explicit?: unknown }).explicit, undefined);
  });

  it('leaves to JSON what the layout cannot hold exactly', () => {
    const bad = badLogs(ts);
    for (const reason of ['number as string', 'extra top-level key', 'missing required leaf', 'null leaf', 'css_vars too short', 'enum out of range', 'object as array']) {
      assert.equal(encodeDocument(layout, bad[reason]), null, reason);
    }
    assert.equal(encodeDocument(layout, { ...validLog(ts), user_id: 'a\u001fb' }), null, 'separator inside a string');
    assert.equal(encodeDocument(layout, { ...validLog(ts), session_duration: NaN }), null, 'NaN');
    assert.equal(encodeDocument(layout, { ...validLog(ts), session_duration: 1.5 }), null, 'a fraction in an integer lane');
    assert.equal(encodeDocument(layout, { ...validLog(ts), session_duration: 2 ** 40 }), null, 'beyond the integer lane');
    assert.equal(encodeDocument(layout, [1]), null, 'not an object');
  });

  it('handles nullable, optional, mixed and JSON leaves of other schemas', () => {
    const schema = z.object({
      n: z.number().nullable(),
      i: z.number().int().min(-5).max(5).optional(),
      big: z.enum(Array.from({ length: 300 }, (_, k) => `v${k}`) as [string, ...string[]]).optional(),
      o: z.string().optional(),
      on: z.number().nullable().optional(),
      m: z.union([z.string(), z.number()]),
      j: z.record(z.string(), z.number()).optional(),
      nested: z.object({ b: z.boolean(), l: z.literal('x') }).optional(),
    });
    const l = layoutOf(schema);
    const docs = [
      { n: null, m: 'text', j: { a: 1 }, nested: { b: true, l: 'x' } },
      { n: 1.5, o: '', on: 3, m: 7, i: -5, big: 'v299' },
      { n: -0, m: '', nested: { b: false, l: 'x' }, i: 0, big: 'v0' },
    ];
    for (const doc of docs) {
      const enc = encodeDocument(l, doc);
      assert.ok(enc, JSON.stringify(doc));
      const [generic, compiled] = roundTrip(l, enc);
      assert.deepStrictEqual(definedOnly(generic), doc);
      assert.deepStrictEqual(compiled, generic);
    }
    assert.equal(encodeDocument(l, { n: 1, on: null, m: 1 }), null, 'null in an optional nullable leaf is ambiguous');
  });
});
