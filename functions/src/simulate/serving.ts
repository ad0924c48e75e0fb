/**
 * What the simulated app served: a crude "current model" (rules on the OS settings and the
 * device), a canary share, the default stylesheet for a share of sessions, and some exploration
 * (a random class) so that every class is served and labels are not only the served ones.
 */
import { DENSITY_CLASSES, FONT_CLASSES, THEME_CLASSES, type SessionContext, type ServedPrediction } from '../data/log-schema.ts';
import { FONT_SCALE_OF_CLASS, SPACING_OF_DENSITY, VAR_SPECS } from '../data/targets.ts';
import type { Rng } from './prng.ts';

/** Model version names the simulated app reports. */
export const SIM_MODEL_VERSIONS = { current: 'v_20251201_020000', canary: 'v_20251215_020000' } as const;

/** Share of sessions served the default stylesheet, the canary, and a random class per target. */
export const SERVING_SHARES = { default: 0.1, canary: 0.05, explore: 0.15 } as const;

const round = (v: number, step: number) => Math.round(v / step) * step;

/** The served classes and variables of one session. */
export function serve(ctx: SessionContext, rng: Rng): ServedPrediction {
  const touch = ctx.input_modality === 'touch' || ctx.input_modality === 'pen';
  const r = rng.next();
  if (r < SERVING_SHARES.default) {
    return {
      model_version: null,
      variant: 'default',
      css_class_density: 'comfortable',
      css_class_font: 'medium',
      css_class_theme: 'light',
      css_vars: VAR_SPECS.map((s) => s.default),
    };
  }
  const variant = r < SERVING_SHARES.default + SERVING_SHARES.canary ? 'canary' : 'current';
  const fs = ctx.os_font_scale ?? 1;
  let font: ServedPrediction['css_class_font'] = fs >= 1.15 ? 'large' : fs <= 0.9 ? 'small' : 'medium';
  let theme: ServedPrediction['css_class_theme'] =
    ctx.prefers_contrast === 'more' || ctx.forced_colors === true ? 'high-contrast' : ctx.prefers_color_scheme === 'dark' ? 'dark' : 'light';
  let density: ServedPrediction['css_class_density'] =
    ctx.device_class === 'tv' ? 'spacious' : !touch && ctx.viewport_width >= 1600 ? 'compact' : 'comfortable';
  if (rng.chance(SERVING_SHARES.explore)) font = rng.pick(FONT_CLASSES);
  if (rng.chance(SERVING_SHARES.explore)) theme = rng.pick(THEME_CLASSES);
  if (rng.chance(SERVING_SHARES.explore)) density = rng.pick(DENSITY_CLASSES);
  const hc = theme === 'high-contrast';
  return {
    model_version: SIM_MODEL_VERSIONS[variant],
    variant,
    css_class_density: density,
    css_class_font: font,
    css_class_theme: theme,
    css_vars: [
      FONT_SCALE_OF_CLASS[font],
      1.5,
      SPACING_OF_DENSITY[density],
      touch ? 44 : 32,
      hc ? 2 : 8,
      ctx.prefers_reduced_motion ? 0 : 200,
      hc ? 1.6 : 1,
      hc ? 0.8 : 1,
    ],
    latency_ms: round(4 + rng.next() * 20, 0.1),
  };
}
