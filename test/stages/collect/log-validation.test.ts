import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InteractionLogSchema, type InteractionLog } from '../../../functions/src/data/log-schema.ts';
import { simulateLogs } from '../../../functions/src/simulate/index.ts';
import { fastLogCheck, reasonOf, validateLog, validLogInto } from '../../../functions/src/stages/collect/log-validation.ts';
import { validLog } from './fixtures.ts';

type Patch = (d: any) => void;

/** Every kind of bad log we could think of, and the reason it is counted under. */
const BAD: Array<[string, Patch | { replace: unknown }, string]> = [
  ['a string instead of a document', { replace: 'corrupt:abc' }, 'not_an_object'],
  ['null', { replace: null }, 'not_an_object'],
  ['an array', { replace: [1, 2] }, 'not_an_object'],
  ['no schema_version', (d) => delete d.schema_version, 'missing_field:schema_version'],
  ['schema_version 1 (old app)', (d) => (d.schema_version = 1), 'wrong_schema_version'],
  ['schema_version 3 (newer app)', (d) => (d.schema_version = 3), 'wrong_schema_version'],
  ['schema_version as a string', (d) => (d.schema_version = '2'), 'wrong_schema_version'],
  ['no session_id', (d) => delete d.session_id, 'missing_field:session_id'],
  ['empty session_id', (d) => (d.session_id = ''), 'invalid_length:session_id'],
  ['session_id too long', (d) => (d.session_id = 'x'.repeat(129)), 'invalid_length:session_id'],
  ['numeric user_id', (d) => (d.user_id = 42), 'invalid_type:user_id'],
  ['no timestamp', (d) => delete d.timestamp, 'missing_field:timestamp'],
  ['timestamp garbage', (d) => (d.timestamp = 'yesterday-ish'), 'bad_timestamp'],
  ['timestamp month 13', (d) => (d.timestamp = '2026-13-01T00:00:00Z'), 'bad_timestamp'],
  ['timestamp 30 February', (d) => (d.timestamp = '2026-02-30T00:00:00Z'), 'bad_timestamp'],
  ['timestamp without offset', (d) => (d.timestamp = '2026-11-20T10:00:00'), 'bad_timestamp'],
  ['timestamp date only', (d) => (d.timestamp = '2026-11-20'), 'bad_timestamp'],
  ['timestamp before 2000 (epoch ms)', (d) => (d.timestamp = Date.UTC(1999, 11, 31)), 'bad_timestamp'],
  ['timestamp after 2100', (d) => (d.timestamp = '2150-01-01T00:00:00Z'), 'bad_timestamp'],
  ['timestamp in seconds (1970)', (d) => (d.timestamp = 1_763_600_000), 'bad_timestamp'],
  ['fractional epoch ms', (d) => (d.timestamp = 1_763_600_000_000.5), 'bad_timestamp'],
  ['timestamp null', (d) => (d.timestamp = null), 'bad_timestamp'],
  ['timestamp as an object', (d) => (d.timestamp = { seconds: 1, nanoseconds: 0 }), 'bad_timestamp'],
  ['no session_duration', (d) => delete d.session_duration, 'missing_field:session_duration'],
  ['session_duration as a string', (d) => (d.session_duration = '120000'), 'invalid_type:session_duration'],
  ['negative session_duration', (d) => (d.session_duration = -1), 'out_of_range:session_duration'],
  ['session longer than a day', (d) => (d.session_duration = 25 * 3600 * 1000), 'out_of_range:session_duration'],
  ['fractional session_duration', (d) => (d.session_duration = 1000.5), 'not_integer:session_duration'],
  ['no context', (d) => delete d.context, 'missing_field:context'],
  ['context is an array', (d) => (d.context = []), 'invalid_type:context'],
  ['context is null', (d) => (d.context = null), 'invalid_type:context'],
  ['no viewport_width', (d) => delete d.context.viewport_width, 'missing_field:context.viewport_width'],
  ['viewport_width as a string', (d) => (d.context.viewport_width = '1280'), 'invalid_type:context.viewport_width'],
  ['viewport_width NaN', (d) => (d.context.viewport_width = NaN), 'invalid_type:context.viewport_width'],
  ['viewport_width Infinity', (d) => (d.context.viewport_width = Infinity), 'invalid_type:context.viewport_width'],
  ['viewport_width negative', (d) => (d.context.viewport_width = -1), 'out_of_range:context.viewport_width'],
  ['viewport_width fractional', (d) => (d.context.viewport_width = 1280.5), 'not_integer:context.viewport_width'],
  ['viewport_height too large', (d) => (d.context.viewport_height = 20_000), 'out_of_range:context.viewport_height'],
  ['device_pixel_ratio 0', (d) => (d.context.device_pixel_ratio = 0), 'out_of_range:context.device_pixel_ratio'],
  ['unknown device_class', (d) => (d.context.device_class = 'smartwatch'), 'invalid_enum:context.device_class'],
  ['device_class in capitals', (d) => (d.context.device_class = 'Desktop'), 'invalid_enum:context.device_class'],
  ['unknown input_modality', (d) => (d.context.input_modality = 'voice'), 'invalid_enum:context.input_modality'],
  ['local_hour 24 (exclusive bound)', (d) => (d.context.local_hour = 24), 'out_of_range:context.local_hour'],
  ['local_weekday 7', (d) => (d.context.local_weekday = 7), 'out_of_range:context.local_weekday'],
  ['timezone offset beyond ±14 h', (d) => (d.context.timezone_offset_min = 900), 'out_of_range:context.timezone_offset_min'],
  ['malformed locale', (d) => (d.context.locale = 'english (US)'), 'invalid_format:context.locale'],
  ['unknown text_direction', (d) => (d.context.text_direction = 'ttb'), 'invalid_enum:context.text_direction'],
  ['prefers_reduced_motion as a string', (d) => (d.context.prefers_reduced_motion = 'yes'), 'invalid_type:context.prefers_reduced_motion'],
  ['unknown connection_type', (d) => (d.context.connection_type = '5g'), 'invalid_enum:context.connection_type'],
  ['optional os_font_scale null', (d) => (d.context.os_font_scale = null), 'invalid_type:context.os_font_scale'],
  ['ambient light negative', (d) => (d.context.ambient_light_lux = -5), 'out_of_range:context.ambient_light_lux'],
  ['previous_sessions fractional', (d) => (d.context.previous_sessions = 2.5), 'not_integer:context.previous_sessions'],
  ['no served', (d) => delete d.served, 'missing_field:served'],
  ['empty model_version', (d) => (d.served.model_version = ''), 'invalid_length:served.model_version'],
  ['unknown served variant', (d) => (d.served.variant = 'shadow'), 'invalid_enum:served.variant'],
  ['unknown served theme', (d) => (d.served.css_class_theme = 'sepia'), 'invalid_enum:served.css_class_theme'],
  ['7 css_vars', (d) => d.served.css_vars.pop(), 'invalid_length:served.css_vars'],
  ['css_vars not an array', (d) => (d.served.css_vars = '1,1,1'), 'invalid_type:served.css_vars'],
  ['a css_var as a string', (d) => (d.served.css_vars[3] = '44'), 'invalid_type:served.css_vars[]'],
  ['a css_var null', (d) => (d.served.css_vars[0] = null), 'invalid_type:served.css_vars[]'],
  ['negative latency', (d) => (d.served.latency_ms = -3), 'out_of_range:served.latency_ms'],
  ['no behavior', (d) => delete d.behavior, 'missing_field:behavior'],
  ['no rage_clicks', (d) => delete d.behavior.rage_clicks, 'missing_field:behavior.rage_clicks'],
  ['negative misclicks', (d) => (d.behavior.misclicks = -1), 'out_of_range:behavior.misclicks'],
  ['scroll_depth above 1', (d) => (d.behavior.scroll_depth = 1.5), 'out_of_range:behavior.scroll_depth'],
  ['absurd event count', (d) => (d.behavior.zoom_in_events = 1e9), 'out_of_range:behavior.zoom_in_events'],
  ['reading speed as a string', (d) => (d.behavior.reading_speed_wpm = 'fast'), 'invalid_type:behavior.reading_speed_wpm'],
  ['explicit not an object', (d) => (d.explicit = 'large'), 'invalid_type:explicit'],
  ['unknown explicit density', (d) => (d.explicit = { density: 'tiny' }), 'invalid_enum:explicit.density'],
  ['explicit font_scale 10', (d) => (d.explicit = { font_scale: 10 }), 'out_of_range:explicit.font_scale'],
];

const GOOD: Array<[string, Patch]> = [
  ['as written by the fixture', () => {}],
  ['epoch-ms timestamp', (d) => (d.timestamp = Date.UTC(2026, 10, 20))],
  ['timestamp with an offset', (d) => (d.timestamp = '2026-11-20T11:00:00+01:00')],
  ['timestamp without milliseconds', (d) => (d.timestamp = '2026-11-20T10:00:00Z')],
  ['leap day', (d) => (d.timestamp = '2028-02-29T12:00:00Z')],
  ['null model_version (defaults served)', (d) => (d.served.model_version = null)],
  ['no optional context fields', (d) => ['timezone_offset_min', 'forced_colors', 'os_font_scale', 'browser_zoom', 'connection_type', 'save_data', 'ambient_light_lux'].forEach((k) => delete d.context[k])],
  ['no explicit choices', (d) => delete d.explicit],
  ['unknown extra keys', (d) => ((d.app_build = '1.2.3'), (d.context.gpu = 'x'))],
  ['bounds inclusive', (d) => ((d.context.viewport_width = 200), (d.context.local_hour = 23.999), (d.session_duration = 0), (d.behavior.scroll_depth = 1))],
];

/** Every leaf (and nested object) of a valid log set to each of many values or deleted: [label, document]. */
function* leafMutations(): Generator<[string, unknown]> {
  const base = validLog('m').data as Record<string, any>;
  const leaves: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    else leaves.push(path);
  };
  walk(base, []);
  const objects: string[][] = [[], ['context'], ['served'], ['behavior'], ['explicit'], ['served', 'css_vars']];
  const values: unknown[] = [undefined, null, '', 'x', 'de', 0, -0, -1, 0.5, 1.5, 23.99, 24, 200, 1e4, 1e9, 2 ** 53, NaN, Infinity, true, false, [], {}, '2026-11-20T10:00:00Z', 1_763_600_000_000];
  for (const path of [...leaves, ...objects.filter((p) => p.length)]) {
    for (const value of values) {
      const doc = structuredClone(base);
      let parent = doc;
      for (const k of path.slice(0, -1)) parent = parent[k];
      if (value === undefined) delete parent[path.at(-1)!];
      else parent[path.at(-1)!] = value;
      yield [`${path.join('.')} = ${String(value)}`, doc];
    }
  }
}

/** What zod's first issue on the whole log says: the reason, and the message the report keeps. */
function zodReason(doc: unknown): { reason: string; message: string } | null {
  const res = InteractionLogSchema.safeParse(doc);
  if (res.success) return null;
  const issue = res.error.issues[0];
  const path = issue.path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[]` : s ? `${s}.${String(p)}` : String(p)), '');
  return { reason: reasonOf(issue, doc), message: `${path || '(root)'}: ${issue.message}` };
}

function docOf(p: Patch | { replace: unknown }): unknown {
  if (typeof p === 'function') return validLog('s1', undefined, p).data;
  return p.replace;
}

describe('log validation', () => {
  for (const [name, patch, reason] of BAD) {
    it(`skips ${name} as ${reason}`, () => {
      const v = validateLog(docOf(patch));
      assert.equal(v.ok, false);
      if (!v.ok) assert.equal(v.reason, reason);
    });
  }

  for (const [name, patch] of GOOD) {
    it(`accepts ${name}, with the same output as zod`, () => {
      const doc = docOf(patch);
      const v = validateLog(doc);
      assert.equal(v.ok, true);
      const z = InteractionLogSchema.parse(doc);
      if (v.ok) {
        assert.equal(v.log.timestamp, z.timestamp);
        // Same values for every field zod keeps (the fast path keeps the document's own objects).
        assert.deepEqual(JSON.parse(JSON.stringify(InteractionLogSchema.parse(v.log))), JSON.parse(JSON.stringify(z)));
      }
    });
  }

  it('the fast check agrees with zod on every leaf mutation of a valid log', () => {
    let cases = 0;
    for (const [label, doc] of leafMutations()) {
      assert.equal(fastLogCheck(doc), InteractionLogSchema.safeParse(doc).success, label);
      cases++;
    }
    assert.ok(cases > 1000);
  });

  it('names the reason and message of the first issue zod finds on the whole log, for every leaf mutation and two at once', () => {
    const docs = [...leafMutations()];
    let bad = 0;
    for (let i = 0; i < docs.length; i++) {
      const [label, doc] = docs[i];
      const expected = zodReason(doc);
      const v = validateLog(doc);
      assert.deepEqual(v.ok ? null : { reason: v.reason, message: v.message }, expected, label);
      if (expected) bad++;
      // Two mutations in different fields: the first in schema order is the one named.
      const [otherLabel, other] = docs[(i * 7919) % docs.length];
      const both = { ...(other as object), ...Object.fromEntries(Object.entries(doc as object).filter(([k]) => k === 'behavior' || k === 'explicit')) };
      assert.deepEqual(((w) => (w.ok ? null : { reason: w.reason, message: w.message }))(validateLog(both)), zodReason(both), `${label} + ${otherLabel}`);
    }
    assert.ok(bad > 500);
  });

  it('reads ISO timestamps as zod does when consecutive ones share their date', () => {
    const day = '2026-11-20T';
    const times = [
      `${day}10:00:00.000Z`, `${day}10:00:01.999Z`, `${day}00:00:00.000Z`, `${day}23:59:59.999Z`, `${day}24:00:00.000Z`, `${day}23:60:00.000Z`,
      `${day}23:59:60.000Z`, `${day}1a:00:00.000Z`, `${day}10:00:00.00Z`, `${day}10:00:00.0000Z`, `${day}10:00:00Z`, `${day}10:00:00.000+01:00`,
      `${day}10:00:00.000z`, `${day}10:00:00,000Z`, `${day}10-00-00.000Z`, `${day}10:00:00.000Y`, `${day}10:00:00.+00Z`, `${day}-1:00:00.000Z`,
      '2026-11-21T10:00:00.000Z', '2026-11-21T09:00:00.000Z', `${day}10:00:00.000Z`, '2026-02-29T10:00:00.000Z', '2028-02-29T10:00:00.000Z',
      '2028-02-29T23:59:59.999Z', '2099-12-31T23:59:59.999Z', '2100-01-01T00:00:00.000Z', '2100-01-01T00:00:00.001Z',
    ];
    for (const t of [...times, ...times.reverse()]) {
      const doc = validLog('t', t).data;
      const v = validateLog(doc);
      const z = InteractionLogSchema.safeParse(doc);
      assert.equal(v.ok, z.success, t);
      if (v.ok && z.success) assert.equal(v.log.timestamp, z.data.timestamp, t);
      else if (!v.ok) assert.equal(v.reason, 'bad_timestamp', t);
    }
  });

  it('validLogInto fills the given object with what validateLog returns', () => {
    const into = {} as InteractionLog;
    for (const raw of simulateLogs({ users: 20, days: 2, badLogRate: 0.2, seed: 3 })) {
      const v = validateLog(raw.data);
      const got = validLogInto(raw.data, into);
      if (!v.ok) assert.equal(got, null, raw.id);
      else {
        assert.equal(got, into);
        assert.deepEqual({ ...got, explicit: got!.explicit }, { ...v.log, explicit: v.log.explicit }, raw.id);
      }
    }
  });

  it('the fast check agrees with zod on simulated logs, malformed ones included, and names the same reason', () => {
    let bad = 0;
    for (const raw of simulateLogs({ users: 50, days: 3, badLogRate: 0.2, seed: 7 })) {
      const zod = InteractionLogSchema.safeParse(raw.data).success;
      assert.equal(fastLogCheck(raw.data), zod, raw.id);
      const v = validateLog(raw.data);
      assert.deepEqual(v.ok ? null : { reason: v.reason, message: v.message }, zodReason(raw.data), raw.id);
      if (!zod) bad++;
    }
    assert.ok(bad > 0);
  });
});
