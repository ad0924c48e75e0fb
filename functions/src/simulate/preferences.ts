/**
 * The hidden preference function: what a user would choose in a given context. It is what a
 * model trained on the logs should recover; it is nonlinear in the context (night-time darkness,
 * thresholds on viewport width, interactions with the user's hidden traits) and noisy.
 * A preference drift (`shift` > 0) moves users towards dark, compact, smaller text and removes
 * the "touch → spacious" effect.
 */
import type { DensityClass, FontClass, SessionContext, ThemeClass } from '../data/log-schema.ts';
import type { SimUser } from './population.ts';
import type { Rng } from './prng.ts';

/** What a user would pick in one session; `vars` follows the css_var_0…7 order of targets.ts. */
export interface Preferences {
  density: DensityClass;
  font: FontClass;
  theme: ThemeClass;
  vars: Float64Array;
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** Font scale range of each font class (so an explicit scale implies the same class as targets.ts). */
export const FONT_SCALE_RANGE: Readonly<Record<FontClass, readonly [number, number]>> = {
  small: [0.8, 0.94],
  medium: [0.96, 1.08],
  large: [1.1, 1.8],
};

/** Darkness of the hour: 1 at midnight, 0 from 06:00 to 18:00. */
function night(hour: number): number {
  return Math.max(0, -Math.cos((2 * Math.PI * hour) / 24));
}

/** The user's preferences in this context (noise drawn from `rng`). */
export function drawPreferences(user: SimUser, ctx: SessionContext, shift: number, rng: Rng): Preferences {
  const touch = ctx.input_modality === 'touch' || ctx.input_modality === 'pen';
  const tv = ctx.device_class === 'tv';
  const zoomed = (ctx.browser_zoom ?? 1) > 1.05;

  // Font: OS font scale and hidden vision dominate; tiny phones and late nights push larger.
  const f =
    2.6 * (user.osFontScale - 1) +
    1.8 * (user.vision - 0.5) +
    (tv ? 1.2 : 0) +
    (ctx.viewport_width < 380 ? 0.35 : 0) +
    (zoomed ? 0.4 : 0) +
    0.3 * night(ctx.local_hour) -
    0.7 * shift +
    rng.normal() * 0.3;
  const font: FontClass = f < -0.45 ? 'small' : f > 0.5 ? 'large' : 'medium';

  // Theme: accessibility settings force high contrast; else darkness of taste, OS, hour, room.
  let theme: ThemeClass;
  if (ctx.prefers_contrast === 'more' || ctx.forced_colors === true || (user.vision > 0.85 && user.dexterity < 0.3)) theme = 'high-contrast';
  else {
    const scheme = ctx.prefers_color_scheme === 'dark' ? 1 : ctx.prefers_color_scheme === 'light' ? -1 : 0;
    const lux = ctx.ambient_light_lux;
    const t =
      0.8 * user.darkAffinity +
      1.2 * scheme +
      1.6 * night(ctx.local_hour) +
      (lux === undefined ? 0 : lux < 30 ? 0.6 : lux > 3000 ? -0.6 : 0) +
      1.6 * shift +
      rng.normal() * 0.4;
    theme = t > 0.6 ? 'dark' : 'light';
  }

  // Density: touch and small screens want room, wide desktops and experienced users want less;
  // low dexterity and low vision want more. Drift removes the touch effect.
  const d =
    (touch ? 1.2 * (1 - shift) : 0) +
    (ctx.viewport_width < 400 ? 0.4 : 0) -
    (ctx.viewport_width >= 1600 ? 1.1 : 0) +
    1.0 * (0.5 - user.dexterity) +
    0.6 * (user.vision - 0.5) -
    0.2 * Math.log1p(ctx.previous_sessions) +
    (tv ? 0.8 : 0) +
    0.3 -
    0.9 * shift +
    rng.normal() * 0.3;
  const density: DensityClass = d < -0.5 ? 'compact' : d > 0.65 ? 'spacious' : 'comfortable';

  const hc = theme === 'high-contrast';
  const [lo, hi] = FONT_SCALE_RANGE[font];
  const vars = new Float64Array(8);
  vars[0] = clamp(1 + 0.12 * f + rng.normal() * 0.02, lo, hi);
  vars[1] = clamp(1.4 + 0.15 * user.vision + (font === 'large' ? 0.1 : 0) + rng.normal() * 0.02, 1.1, 2);
  vars[2] = (density === 'compact' ? 0.85 : density === 'comfortable' ? 1 : 1.2) + rng.normal() * 0.02;
  vars[3] = touch ? 40 + 16 * (1 - user.dexterity) + (density === 'spacious' ? 6 : 0) : 32 + 4 * (1 - user.dexterity);
  vars[4] = hc ? Math.min(4, 4 + 12 * user.radiusTaste) : 4 + 12 * user.radiusTaste;
  vars[5] = ctx.prefers_reduced_motion ? 0 : 150 + 150 * user.motionTaste;
  vars[6] = hc ? 1.6 : 1 + 0.15 * user.vision;
  vars[7] = hc ? 0.8 : 0.9 + 0.2 * user.saturationTaste;
  return { density, font, theme, vars };
}
