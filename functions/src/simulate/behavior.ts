/**
 * How a simulated user reacts to what was served, written so that the target rules of
 * data/targets.ts read the reaction back as the user's preference: an explicit choice, a toggle
 * that lands on the preferred class, font/zoom events whose net count moves the font the right
 * number of steps, misclicks on touch when the layout is too tight. Without a mismatch the
 * session carries only ordinary noise that the rules ignore (paired zooms, ≤ 2 misclicks).
 */
import { DENSITY_CLASSES, FONT_CLASSES, THEME_CLASSES, type ExplicitChoices, type SessionBehavior, type SessionContext, type ServedPrediction } from '../data/log-schema.ts';
import { TARGET_RULES, fontClassOfScale, toggledDensity, toggledTheme } from '../data/targets.ts';
import type { Preferences } from './preferences.ts';
import type { Rng } from './prng.ts';

/** Kinds of session with no usable reaction, for the rejection counters downstream. */
export type SessionKind = 'normal' | 'short' | 'idle' | 'bot';

/** Share of sessions that are idle (no scroll, no event) and bot-like. */
export const ODD_SESSION_SHARES = { idle: 0.02, bot: 0.003 } as const;

/** The behaviour and explicit choices of one session. */
export interface Reaction {
  behavior: SessionBehavior;
  explicit?: ExplicitChoices;
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

function baseBehavior(kind: SessionKind, rng: Rng): SessionBehavior {
  const quiet = kind !== 'normal';
  const b: SessionBehavior = {
    zoom_in_events: 0,
    zoom_out_events: 0,
    font_increase_events: 0,
    font_decrease_events: 0,
    theme_toggles: 0,
    density_toggles: 0,
    scroll_depth: kind === 'idle' ? Math.round(rng.next() * 4) / 100 : kind === 'short' ? Math.round(rng.next() * 30) / 100 : Math.round(clamp(0.08 + 0.92 * rng.next() ** 0.7, 0, 1) * 1000) / 1000,
    scroll_speed_px_s: kind === 'bot' ? 25_000 + rng.int(50_000) : Math.round(600 * Math.exp(rng.normal() * 0.5)),
    misclicks: quiet ? 0 : Math.min(2, rng.poisson(0.4)),
    rage_clicks: 0,
    mean_dwell_ms: kind === 'bot' ? 20 + rng.int(200) : Math.round(clamp(4000 * Math.exp(rng.normal() * 0.6), 300, 600_000)),
    back_navigations: quiet ? 0 : rng.poisson(0.6),
  };
  if (!quiet && rng.chance(0.6)) b.reading_speed_wpm = Math.round(clamp(250 + rng.normal() * 60, 60, 900));
  if (!quiet && rng.chance(0.05)) {
    b.zoom_in_events = 1;
    b.zoom_out_events = 1;
  }
  return b;
}

/** Replace each class with a random one with probability `noise` (the user acts on a whim). */
export function noisyPreferences(p: Preferences, noise: number, rng: Rng): Preferences {
  if (noise <= 0) return p;
  return {
    density: rng.chance(noise) ? rng.pick(DENSITY_CLASSES) : p.density,
    font: rng.chance(noise) ? rng.pick(FONT_CLASSES) : p.font,
    theme: rng.chance(noise) ? rng.pick(THEME_CLASSES) : p.theme,
    vars: p.vars,
  };
}

/** The user's reaction to `served` given their (possibly noisy) preferences `p`. */
export function react(ctx: SessionContext, served: ServedPrediction, p: Preferences, kind: SessionKind, reactionRate: number, rng: Rng): Reaction {
  const b = baseBehavior(kind, rng);
  if (kind !== 'normal') return { behavior: b };
  const x: ExplicitChoices = {};

  // Theme: a toggle when one lands on the preference, else an explicit pick.
  if (p.theme !== served.css_class_theme) {
    if (rng.chance(reactionRate)) {
      if (toggledTheme(served.css_class_theme, ctx.prefers_color_scheme) === p.theme && rng.chance(0.65)) b.theme_toggles = rng.chance(0.1) ? 3 : 1;
      else x.theme = p.theme;
    }
  } else if (rng.chance(0.03)) b.theme_toggles = 2;

  // Font: explicit class or scale, else net font/zoom events sized to reach the preferred scale.
  const diff = FONT_CLASSES.indexOf(p.font) - FONT_CLASSES.indexOf(served.css_class_font);
  if (diff !== 0 && rng.chance(reactionRate)) {
    const r = rng.next();
    const scale = Math.round(p.vars[0] * 100) / 100;
    if (r < 0.15 || (r < 0.3 && fontClassOfScale(scale) !== p.font)) x.font = p.font;
    else if (r < 0.3) x.font_scale = scale;
    else {
      const wanted = Math.round(Math.log(p.vars[0] / served.css_vars[0]) / Math.log(TARGET_RULES.fontScaleStep));
      const size = Math.abs(diff) === 2 ? clamp(Math.abs(wanted), TARGET_RULES.twoFontSteps, 6) : clamp(Math.abs(wanted), 1, TARGET_RULES.twoFontSteps - 1);
      const viaZoom = ctx.input_modality === 'touch' ? rng.int(size + 1) : rng.int(Math.ceil(size / 2) + 1);
      if (diff > 0) {
        b.zoom_in_events += viaZoom;
        b.font_increase_events += size - viaZoom;
      } else {
        b.zoom_out_events += viaZoom;
        b.font_decrease_events += size - viaZoom;
      }
    }
  }

  // Density: misclicks on touch when too tight (one step), a toggle when it lands, else explicit.
  const dd = DENSITY_CLASSES.indexOf(p.density) - DENSITY_CLASSES.indexOf(served.css_class_density);
  const touch = ctx.input_modality === 'touch' || ctx.input_modality === 'pen';
  if (dd !== 0 && rng.chance(reactionRate)) {
    const fromComfortable = served.css_class_density === 'comfortable';
    if (touch && dd === 1 && rng.chance(0.5)) {
      const excess = clamp(Math.round((p.vars[3] - served.css_vars[3]) / TARGET_RULES.touchTargetStepPx), 1, TARGET_RULES.touchTargetMaxSteps);
      const pressure = TARGET_RULES.touchPressureBaseline + excess;
      b.rage_clicks = pressure >= 5 ? 1 : 0;
      b.misclicks = pressure - 2 * b.rage_clicks;
    } else if ((p.density === 'comfortable' || fromComfortable) && rng.chance(0.6)) {
      if (fromComfortable) b.scroll_speed_px_s = p.density === 'compact' ? 1500 + rng.int(3000) : 150 + rng.int(1300);
      b.density_toggles = 1;
    } else x.density = p.density;
    if (toggledDensity(served.css_class_density, b.scroll_speed_px_s) !== p.density && b.density_toggles === 1) {
      b.density_toggles = 0;
      x.density = p.density;
    }
  }

  // Motion: users who prefer none switch it off explicitly, sometimes.
  if (p.vars[5] === 0 && served.css_vars[5] > 0 && rng.chance(reactionRate * 0.5)) x.reduced_motion = true;

  return x.density || x.font || x.theme || x.font_scale !== undefined || x.reduced_motion !== undefined ? { behavior: b, explicit: x } : { behavior: b };
}
