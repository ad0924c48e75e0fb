/**
 * The model's 19 input features, computed only from what is known when a session starts (the
 * log's `context`). Behaviour observed later in the session is the source of the targets and is
 * never read here: a feature derived from it would leak the label.
 *
 * The CSV keeps the historical column names `feature_0`…`feature_18`; the descriptive names in
 * `FEATURE_NAMES` go into the dataset metadata. Missing optional inputs stay missing (NaN): the
 * engine learns a default direction for them and the CSV writes an empty cell.
 */
import type { SessionContext } from './log-schema.ts';

/** Version of the feature computation; bump when a transform or the order changes. */
export const FEATURE_VERSION = 2;

/** Description of one feature, for the docs, the dataset metadata and range validation. */
export interface FeatureSpec {
  index: number;
  /** CSV column name (`feature_<index>`). */
  column: string;
  /** Descriptive name (dataset metadata, reports). */
  name: string;
  /** Unit after the transform. */
  unit: string;
  /** How the value is computed from the context. */
  transform: string;
  /** Context fields read. */
  sources: readonly string[];
  /** Smallest value a valid context can produce. */
  min: number;
  /** Largest value a valid context can produce. */
  max: number;
  /** True when the value is NaN whenever an optional input is absent. */
  optional: boolean;
}

type SpecInput = Omit<FeatureSpec, 'index' | 'column'>;

const SPECS: readonly SpecInput[] = [
  { name: 'viewport_width_log2', unit: 'log2(CSS px)', transform: 'log2(viewport_width)', sources: ['viewport_width'], min: Math.log2(200), max: Math.log2(10_000), optional: false },
  { name: 'viewport_aspect_ratio', unit: 'ratio', transform: 'viewport_width / viewport_height', sources: ['viewport_width', 'viewport_height'], min: 200 / 10_000, max: 10_000 / 200, optional: false },
  { name: 'device_pixel_ratio', unit: 'device px per CSS px', transform: 'as is', sources: ['device_pixel_ratio'], min: 0.5, max: 5, optional: false },
  { name: 'device_class', unit: 'ordinal', transform: 'mobile 0, tablet 1, desktop 2, tv 3', sources: ['device_class'], min: 0, max: 3, optional: false },
  { name: 'touch_primary', unit: 'flag', transform: '1 when input_modality is touch or pen, else 0', sources: ['input_modality'], min: 0, max: 1, optional: false },
  { name: 'hour_sin', unit: '[-1, 1]', transform: 'sin(2π · local_hour / 24)', sources: ['local_hour'], min: -1, max: 1, optional: false },
  { name: 'hour_cos', unit: '[-1, 1]', transform: 'cos(2π · local_hour / 24)', sources: ['local_hour'], min: -1, max: 1, optional: false },
  { name: 'is_weekend', unit: 'flag', transform: '1 when local_weekday is 0 (Sunday) or 6 (Saturday)', sources: ['local_weekday'], min: 0, max: 1, optional: false },
  { name: 'color_scheme_preference', unit: 'ordinal', transform: 'light −1, no-preference 0, dark 1', sources: ['prefers_color_scheme'], min: -1, max: 1, optional: false },
  { name: 'reduced_motion', unit: 'flag', transform: '1 when prefers_reduced_motion', sources: ['prefers_reduced_motion'], min: 0, max: 1, optional: false },
  { name: 'contrast_preference', unit: 'ordinal', transform: 'less −1, no-preference 0, custom 0.5, more 1; forced_colors true → 2', sources: ['prefers_contrast', 'forced_colors'], min: -1, max: 2, optional: false },
  { name: 'os_font_scale', unit: '×', transform: 'as is; NaN when absent', sources: ['os_font_scale'], min: 0.5, max: 3, optional: true },
  { name: 'browser_zoom', unit: '×', transform: 'as is; NaN when absent', sources: ['browser_zoom'], min: 0.25, max: 5, optional: true },
  { name: 'connection_quality', unit: 'ordinal', transform: 'slow-2g 0, 2g 1, 3g 2, 4g 3; NaN when absent', sources: ['connection_type'], min: 0, max: 3, optional: true },
  { name: 'save_data', unit: 'flag', transform: '1 when save_data; NaN when absent', sources: ['save_data'], min: 0, max: 1, optional: true },
  { name: 'rtl', unit: 'flag', transform: '1 when text_direction is rtl', sources: ['text_direction'], min: 0, max: 1, optional: false },
  { name: 'previous_sessions_log1p', unit: 'log(1 + sessions)', transform: 'ln(1 + previous_sessions)', sources: ['previous_sessions'], min: 0, max: Math.log1p(1_000_000), optional: false },
  { name: 'ambient_light_log10', unit: 'log10(1 + lux)', transform: 'log10(1 + ambient_light_lux); NaN when absent', sources: ['ambient_light_lux'], min: 0, max: Math.log10(200_001), optional: true },
  { name: 'timezone_offset_hours', unit: 'h', transform: 'timezone_offset_min / 60 (east of UTC positive); NaN when absent', sources: ['timezone_offset_min'], min: -14, max: 14, optional: true },
];

/** Number of features (fixed: the served model's input width). */
export const FEATURE_COUNT = 19;

/** Every feature's spec, in column order. */
export const FEATURE_SPECS: readonly FeatureSpec[] = SPECS.map((s, index) => Object.freeze({ ...s, index, column: `feature_${index}` }));

/** Descriptive feature names, in column order (dataset metadata maps columns to these). */
export const FEATURE_NAMES: readonly string[] = FEATURE_SPECS.map((s) => s.name);

/** CSV column names `feature_0`…`feature_18`, kept from the original pipeline. */
export const FEATURE_COLUMNS: readonly string[] = FEATURE_SPECS.map((s) => s.column);

/** Lower bounds by index, for fast range checks. */
export const FEATURE_MIN: Float64Array = Float64Array.from(FEATURE_SPECS, (s) => s.min);

/** Upper bounds by index, for fast range checks. */
export const FEATURE_MAX: Float64Array = Float64Array.from(FEATURE_SPECS, (s) => s.max);

if (FEATURE_SPECS.length !== FEATURE_COUNT) throw new Error(`expected ${FEATURE_COUNT} feature specs, got ${FEATURE_SPECS.length}`);

const TWO_PI_OVER_24 = (2 * Math.PI) / 24;
// Range checks tolerate floating-point error of the transforms at the bounds.
const EPS = 1e-9;

function deviceOrdinal(c: SessionContext['device_class']): number {
  switch (c) {
    case 'mobile':
      return 0;
    case 'tablet':
      return 1;
    case 'desktop':
      return 2;
    default:
      return 3;
  }
}

function contrastOrdinal(ctx: SessionContext): number {
  if (ctx.forced_colors === true) return 2;
  switch (ctx.prefers_contrast) {
    case 'less':
      return -1;
    case 'more':
      return 1;
    case 'custom':
      return 0.5;
    default:
      return 0;
  }
}

function connectionOrdinal(c: SessionContext['connection_type']): number {
  switch (c) {
    case 'slow-2g':
      return 0;
    case '2g':
      return 1;
    case '3g':
      return 2;
    case '4g':
      return 3;
    default:
      return NaN;
  }
}

/**
 * Write the 19 features of a session context into `out` at `offset` (allocating a new array only
 * when `out` is not given) and return `out`, so the collection stage can fill one big buffer
 * without a per-row allocation.
 */
export function prepareFeaturesV2(ctx: SessionContext, out?: Float64Array, offset = 0): Float64Array {
  const o = out ?? new Float64Array(FEATURE_COUNT);
  const w = ctx.viewport_width;
  const angle = ctx.local_hour * TWO_PI_OVER_24;
  const scheme = ctx.prefers_color_scheme;
  o[offset] = Math.log2(w);
  o[offset + 1] = w / ctx.viewport_height;
  o[offset + 2] = ctx.device_pixel_ratio;
  o[offset + 3] = deviceOrdinal(ctx.device_class);
  o[offset + 4] = ctx.input_modality === 'touch' || ctx.input_modality === 'pen' ? 1 : 0;
  o[offset + 5] = Math.sin(angle);
  o[offset + 6] = Math.cos(angle);
  o[offset + 7] = ctx.local_weekday === 0 || ctx.local_weekday === 6 ? 1 : 0;
  o[offset + 8] = scheme === 'dark' ? 1 : scheme === 'light' ? -1 : 0;
  o[offset + 9] = ctx.prefers_reduced_motion ? 1 : 0;
  o[offset + 10] = contrastOrdinal(ctx);
  o[offset + 11] = ctx.os_font_scale ?? NaN;
  o[offset + 12] = ctx.browser_zoom ?? NaN;
  o[offset + 13] = connectionOrdinal(ctx.connection_type);
  o[offset + 14] = ctx.save_data === undefined ? NaN : ctx.save_data ? 1 : 0;
  o[offset + 15] = ctx.text_direction === 'rtl' ? 1 : 0;
  o[offset + 16] = Math.log1p(ctx.previous_sessions);
  o[offset + 17] = ctx.ambient_light_lux === undefined ? NaN : Math.log10(1 + ctx.ambient_light_lux);
  o[offset + 18] = ctx.timezone_offset_min === undefined ? NaN : ctx.timezone_offset_min / 60;
  return o;
}

/**
 * Add 1 to `counts[j]` for each feature j of the row at `offset` that is present but outside its
 * spec range, and return how many were; a non-zero count means a transform or the schema changed.
 */
export function countOutOfRange(values: Float64Array, counts: Uint32Array | Float64Array, offset = 0): number {
  let n = 0;
  for (let j = 0; j < FEATURE_COUNT; j++) {
    const v = values[offset + j];
    if (v < FEATURE_MIN[j] - EPS || v > FEATURE_MAX[j] + EPS) {
      counts[j]++;
      n++;
    }
  }
  return n;
}

/** Add 1 to `counts[j]` for each feature j of the row at `offset` that is missing (NaN); returns how many were. */
export function countMissing(values: Float64Array, counts: Uint32Array | Float64Array, offset = 0): number {
  let n = 0;
  for (let j = 0; j < FEATURE_COUNT; j++) {
    if (Number.isNaN(values[offset + j])) {
      counts[j]++;
      n++;
    }
  }
  return n;
}
