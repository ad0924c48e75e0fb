/** Session documents for the log-store contract: a valid one, and bad ones that must round-trip verbatim. */
import { InteractionLogSchema, type InteractionLogInput } from '../../../functions/src/data/log-schema.ts';

/** A valid session at `timestamp` (ISO or ms) lasting `durationMs`. */
export function validLog(timestamp: string | number, durationMs = 60_000, i = 0): InteractionLogInput {
  const log: InteractionLogInput = {
    schema_version: 2,
    session_id: `s-${i}`,
    user_id: `u-${i % 7}`,
    timestamp,
    session_duration: durationMs,
    context: {
      viewport_width: 1280,
      viewport_height: 800,
      device_pixel_ratio: 1.5,
      device_class: 'desktop',
      input_modality: 'mouse',
      local_hour: 14.25,
      local_weekday: 2,
      timezone_offset_min: -60,
      locale: 'en-GB',
      text_direction: 'ltr',
      prefers_color_scheme: 'dark',
      prefers_reduced_motion: false,
      prefers_contrast: 'no-preference',
      forced_colors: true,
      previous_sessions: i,
    },
    served: {
      model_version: i % 2 ? null : 'v_20260101_000000',
      css_class_density: 'comfortable',
      css_class_font: 'medium',
      css_class_theme: 'dark',
      css_vars: [1, 0.5, -2, 3.25, 0, 1e-9, 12, 7],
    },
    behavior: {
      zoom_in_events: 1,
      zoom_out_events: 0,
      font_increase_events: 2,
      font_decrease_events: 0,
      theme_toggles: 0,
      density_toggles: 1,
      scroll_depth: 0.75,
      scroll_speed_px_s: 420.5,
      misclicks: 3,
      rage_clicks: 0,
      mean_dwell_ms: 5200,
      back_navigations: 1,
    },
  };
  if (i % 3 === 0) log.explicit = { density: 'spacious', reduced_motion: true };
  if (!InteractionLogSchema.safeParse(log).success) throw new Error('fixture is not a valid log');
  return log;
}

type Doc = Record<string, any>;
const clone = (d: unknown): Doc => structuredClone(d) as Doc;

/** Documents that break the schema in one way each (reason → document), all in the window of `ts`. */
export function badLogs(ts: string): Record<string, unknown> {
  const base = () => clone(validLog(ts, 60_000, 1));
  const edit = (fn: (d: Doc) => void) => {
    const d = base();
    fn(d);
    return d;
  };
  return {
    'number as string': edit((d) => (d.context.viewport_width = '1280')),
    'boolean as number': edit((d) => (d.context.prefers_reduced_motion = 1)),
    'string as number': edit((d) => (d.user_id = 42)),
    'extra top-level key': edit((d) => (d.debug = { note: 'x' })),
    'extra nested key': edit((d) => (d.behavior.unknown_counter = 3)),
    'missing required leaf': edit((d) => delete d.context.locale),
    'missing required object': edit((d) => delete d.behavior),
    'null leaf': edit((d) => (d.context.viewport_height = null)),
    'null optional object': edit((d) => (d.explicit = null)),
    'empty optional object': edit((d) => (d.explicit = {})),
    'css_vars too short': edit((d) => (d.served.css_vars = [1, 2, 3])),
    'css_vars with a string': edit((d) => (d.served.css_vars = [1, 2, 3, 4, 5, 6, 7, '8'])),
    'object as array': edit((d) => (d.context = [1, 2])),
    'enum out of range': edit((d) => (d.served.css_class_theme = 'sepia')),
    'value out of range': edit((d) => (d.behavior.scroll_depth = 7)),
    'wrong schema version': edit((d) => (d.schema_version = 1)),
    'numeric string in a string leaf': edit((d) => (d.session_id = '00123')),
    'unicode strings': edit((d) => (d.user_id = 'ü-✓-😀')),
  };
}

/**
 * A deep copy of a document without its `undefined`-valued keys: the JSON document it stands for.
 * Stores return the same JSON document that was written; the embedded one also gives every object
 * every key of its schema (an absent one as `undefined`), which this comparison allows.
 */
export function definedOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(definedOnly);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = definedOnly(v);
  return out;
}
