/**
 * The training targets of a session, inferred from what the user did with what was served:
 * explicit choices first, then behavioural evidence (toggles, font/zoom events, misclicks), and
 * otherwise the served value stands (the user lived with it). Every rule is documented in
 * docs/data-model.md and tested case by case in test/data/targets.test.ts. A session whose
 * targets cannot be trusted is rejected with a short stable reason code, counted by the
 * collection stage.
 */
import {
  CSS_VAR_COUNT,
  DENSITY_CLASSES,
  FONT_CLASSES,
  THEME_CLASSES,
  type DensityClass,
  type FontClass,
  type InteractionLog,
  type ThemeClass,
} from './log-schema.ts';

/** The three class targets, as CSV column names. */
export const TARGET_CLASS_COLUMNS = ['css_class_density', 'css_class_font', 'css_class_theme'] as const;

/** The eight continuous targets, as CSV column names (`css_var_<i>`, same order as `served.css_vars`). */
export const TARGET_VAR_COLUMNS = ['css_var_0', 'css_var_1', 'css_var_2', 'css_var_3', 'css_var_4', 'css_var_5', 'css_var_6', 'css_var_7'] as const;

/** Every target column, classes first. */
export const TARGET_COLUMNS = [...TARGET_CLASS_COLUMNS, ...TARGET_VAR_COLUMNS] as const;

/** A class target column. */
export type TargetClassColumn = (typeof TARGET_CLASS_COLUMNS)[number];

/** The labels of each class target, in the order the engine encodes them (0, 1, 2). */
export const CLASS_LABELS: Readonly<Record<TargetClassColumn, readonly string[]>> = {
  css_class_density: DENSITY_CLASSES,
  css_class_font: FONT_CLASSES,
  css_class_theme: THEME_CLASSES,
};

/** What one continuous CSS variable means; inferred values are clamped to [min, max]. */
export interface VarSpec {
  column: string;
  name: string;
  unit: string;
  min: number;
  max: number;
  /** Value served when nothing else is known (the app's default stylesheet). */
  default: number;
}

/** The eight CSS variables, in `css_var_<i>` order. */
export const VAR_SPECS: readonly VarSpec[] = [
  { column: 'css_var_0', name: 'font_scale', unit: '×', min: 0.75, max: 2, default: 1 },
  { column: 'css_var_1', name: 'line_height', unit: '×', min: 1.1, max: 2, default: 1.5 },
  { column: 'css_var_2', name: 'spacing_scale', unit: '×', min: 0.6, max: 1.6, default: 1 },
  { column: 'css_var_3', name: 'touch_target_px', unit: 'px', min: 24, max: 72, default: 44 },
  { column: 'css_var_4', name: 'border_radius_px', unit: 'px', min: 0, max: 24, default: 8 },
  { column: 'css_var_5', name: 'animation_ms', unit: 'ms', min: 0, max: 1000, default: 200 },
  { column: 'css_var_6', name: 'contrast_level', unit: '×', min: 0.8, max: 2, default: 1 },
  { column: 'css_var_7', name: 'saturation', unit: '×', min: 0, max: 1.5, default: 1 },
];

/** Why a session's targets could not be inferred (stable codes, counted per reason). */
export const TARGET_REJECT_REASONS = ['bot_like', 'no_engagement', 'contradictory_signals'] as const;

/** A reason code of `TARGET_REJECT_REASONS`. */
export type TargetRejectReason = (typeof TARGET_REJECT_REASONS)[number];

/** The inferred targets of one session, or why there are none. */
export type TargetResult =
  | { ok: true; classes: { css_class_density: DensityClass; css_class_font: FontClass; css_class_theme: ThemeClass }; vars: Float64Array }
  | { ok: false; reason: TargetRejectReason };

/** Font scale (css_var_0) implied by an explicit font class when no explicit scale was given. */
export const FONT_SCALE_OF_CLASS: Readonly<Record<FontClass, number>> = { small: 0.9, medium: 1, large: 1.2 };

/** Spacing scale (css_var_2) implied by a density class that differs from the served one. */
export const SPACING_OF_DENSITY: Readonly<Record<DensityClass, number>> = { compact: 0.85, comfortable: 1, spacious: 1.2 };

/** Thresholds of the rules, exported so the simulator emits behaviour the rules read the same way. */
export const TARGET_RULES = {
  /** Faster scrolling than this (px/s) with a shorter mean dwell (ms) than below is a bot. */
  botScrollSpeedPxS: 20_000,
  botMaxDwellMs: 300,
  /** Below this scroll depth and with no event at all, nothing was learnt. */
  minScrollDepth: 0.05,
  /** Misclicks + 2 × rage clicks at or above this on touch/pen mean the targets were too small. */
  touchPressure: 3,
  /** Touch pressure below this is ordinary noise; each point above adds `touchTargetStepPx`. */
  touchPressureBaseline: 2,
  touchTargetStepPx: 4,
  touchTargetMaxSteps: 6,
  /** A density toggle away from comfortable goes to compact when scrolling at least this fast (px/s). */
  compactScrollSpeedPxS: 1500,
  /** |net font+zoom events| at or above this moves the font two steps, at or above 1 one step. */
  twoFontSteps: 4,
  /** Each net font/zoom event multiplies the font scale by this. */
  fontScaleStep: 1.1,
  /** Each net font/zoom event (clamped to ±4) adds this to the line height. */
  lineHeightStep: 0.05,
  /** Reading slower / faster than this (wpm) adds / removes line height. */
  slowReadingWpm: 150,
  fastReadingWpm: 350,
  /** Toggling a theme or a density this many times without settling is flapping. */
  flappingToggles: 6,
  /** Explicit scales below / at or above these map to small / large fonts. */
  smallFontScale: 0.95,
  largeFontScale: 1.1,
  /** Rage clicks at or above this halve the animation duration. */
  impatientRageClicks: 3,
} as const;

const R = TARGET_RULES;

/** The font class an explicit font scale implies. */
export function fontClassOfScale(scale: number): FontClass {
  return scale < R.smallFontScale ? 'small' : scale >= R.largeFontScale ? 'large' : 'medium';
}

/** The theme one toggle leads to from `served` (from high-contrast: the OS colour scheme). */
export function toggledTheme(served: ThemeClass, prefersColorScheme: string): ThemeClass {
  if (served === 'light') return 'dark';
  if (served === 'dark') return 'light';
  return prefersColorScheme === 'dark' ? 'dark' : 'light';
}

/** The density one toggle leads to from `served` (from comfortable: compact for fast scrollers, else spacious). */
export function toggledDensity(served: DensityClass, scrollSpeedPxS: number): DensityClass {
  if (served !== 'comfortable') return 'comfortable';
  return scrollSpeedPxS >= R.compactScrollSpeedPxS ? 'compact' : 'spacious';
}

/** How many font steps the net font and zoom events imply (−2…2). */
export function fontSteps(net: number): number {
  const a = Math.abs(net);
  const steps = a >= R.twoFontSteps ? 2 : a >= 1 ? 1 : 0;
  return net < 0 ? -steps : steps;
}

/** Move `label` by `steps` along an ordered list of labels, clamped at the ends. */
function step<T extends string>(labels: readonly T[], label: T, steps: number): T {
  const i = labels.indexOf(label) + steps;
  return labels[i < 0 ? 0 : i >= labels.length ? labels.length - 1 : i];
}

function clampVar(j: number, v: number): number {
  const s = VAR_SPECS[j];
  return v < s.min ? s.min : v > s.max ? s.max : v;
}

/**
 * Infer the 3 class targets and the 8 CSS-variable targets of a validated session, or say why
 * they cannot be trusted (`bot_like`, `no_engagement`, `contradictory_signals`).
 */
export function inferTargets(log: InteractionLog): TargetResult {
  const b = log.behavior;
  const x = log.explicit;
  const served = log.served;

  // 1. Rejections.
  if (b.scroll_speed_px_s > R.botScrollSpeedPxS && b.mean_dwell_ms < R.botMaxDwellMs) return { ok: false, reason: 'bot_like' };
  const hasExplicit = x !== undefined && (x.density !== undefined || x.font !== undefined || x.theme !== undefined || x.font_scale !== undefined || x.reduced_motion !== undefined);
  const events =
    b.zoom_in_events + b.zoom_out_events + b.font_increase_events + b.font_decrease_events + b.theme_toggles + b.density_toggles + b.misclicks + b.rage_clicks + b.back_navigations;
  if (!hasExplicit && events === 0 && b.scroll_depth < R.minScrollDepth) return { ok: false, reason: 'no_engagement' };
  const fontNet = b.font_increase_events - b.font_decrease_events;
  const zoomNet = b.zoom_in_events - b.zoom_out_events;
  const noExplicitFont = x?.font === undefined && x?.font_scale === undefined;
  if (
    (noExplicitFont && b.font_increase_events >= 2 && b.font_decrease_events >= 2 && Math.abs(fontNet) <= 1) ||
    (noExplicitFont && b.zoom_in_events >= 2 && b.zoom_out_events >= 2 && Math.abs(zoomNet) <= 1) ||
    (x?.theme === undefined && b.theme_toggles >= R.flappingToggles) ||
    (x?.density === undefined && b.density_toggles >= R.flappingToggles) ||
    (x?.font !== undefined && x.font_scale !== undefined && Math.abs(FONT_CLASSES.indexOf(x.font) - FONT_CLASSES.indexOf(fontClassOfScale(x.font_scale))) === 2)
  ) {
    return { ok: false, reason: 'contradictory_signals' };
  }

  // 2. Classes: explicit choice, else behaviour relative to what was served, else the served class.
  const net = fontNet + zoomNet;
  const font: FontClass =
    x?.font ?? (x?.font_scale !== undefined ? fontClassOfScale(x.font_scale) : step(FONT_CLASSES, served.css_class_font, fontSteps(net)));

  const touch = log.context.input_modality === 'touch' || log.context.input_modality === 'pen';
  const pressure = touch ? b.misclicks + 2 * b.rage_clicks : 0;
  let density: DensityClass = served.css_class_density;
  if (x?.density !== undefined) density = x.density;
  else if (pressure >= R.touchPressure) density = step(DENSITY_CLASSES, served.css_class_density, 1);
  else if (b.density_toggles % 2 === 1) density = toggledDensity(served.css_class_density, b.scroll_speed_px_s);

  let theme: ThemeClass = served.css_class_theme;
  if (x?.theme !== undefined) theme = x.theme;
  else if (b.theme_toggles % 2 === 1) theme = toggledTheme(served.css_class_theme, log.context.prefers_color_scheme);

  // 3. Variables: the served value adjusted by the same evidence, clamped to the spec range.
  const sv = served.css_vars;
  const vars = new Float64Array(CSS_VAR_COUNT);
  const clampedNet = net < -4 ? -4 : net > 4 ? 4 : net;
  vars[0] = x?.font_scale ?? (x?.font !== undefined ? FONT_SCALE_OF_CLASS[x.font] : sv[0] * R.fontScaleStep ** (net < -6 ? -6 : net > 6 ? 6 : net));
  let lineHeight = sv[1] + R.lineHeightStep * clampedNet;
  if (b.reading_speed_wpm !== undefined && b.reading_speed_wpm > 0) {
    if (b.reading_speed_wpm < R.slowReadingWpm) lineHeight += 0.1;
    else if (b.reading_speed_wpm > R.fastReadingWpm) lineHeight -= 0.05;
  }
  vars[1] = lineHeight;
  vars[2] = density !== served.css_class_density ? SPACING_OF_DENSITY[density] : sv[2];
  const excess = pressure - R.touchPressureBaseline;
  vars[3] = excess > 0 ? sv[3] + R.touchTargetStepPx * (excess > R.touchTargetMaxSteps ? R.touchTargetMaxSteps : excess) : sv[3];
  const hc = theme === 'high-contrast';
  vars[4] = hc ? Math.min(sv[4], 4) : sv[4];
  if (x?.reduced_motion === true) vars[5] = 0;
  else if (x?.reduced_motion === false) vars[5] = sv[5] > 0 ? sv[5] : VAR_SPECS[5].default;
  else vars[5] = b.rage_clicks >= R.impatientRageClicks ? sv[5] * 0.5 : sv[5];
  vars[6] = hc ? Math.max(sv[6], 1.5) : served.css_class_theme === 'high-contrast' ? Math.min(sv[6], 1.2) : sv[6];
  vars[7] = hc ? Math.min(sv[7], 0.8) : sv[7];
  for (let j = 0; j < CSS_VAR_COUNT; j++) vars[j] = clampVar(j, vars[j]);

  return { ok: true, classes: { css_class_density: density, css_class_font: font, css_class_theme: theme }, vars };
}
