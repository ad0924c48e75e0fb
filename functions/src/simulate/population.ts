/**
 * The simulated users: stable traits (a hidden need for larger text, a taste for dark themes,
 * dexterity, accessibility settings, device, locale, time zone) and how one session's context is
 * drawn from them. Context drift swaps in a second, mostly mobile device and shifts usage later.
 */
import type { SessionContext } from '../data/log-schema.ts';
import type { Rng } from './prng.ts';

/** A device a user owns; its properties are fixed, the viewport varies a little per session. */
export interface Device {
  deviceClass: SessionContext['device_class'];
  input: SessionContext['input_modality'];
  width: number;
  height: number;
  dpr: number;
  /** Whether the browser reports zoom, ambient light, connection and save-data. */
  reportsZoom: boolean;
  reportsLight: boolean;
  connection?: SessionContext['connection_type'];
  saveData?: boolean;
}

/** One simulated user. */
export interface SimUser {
  index: number;
  id: string;
  /** Hidden need for larger text and calmer layouts, 0…1. */
  vision: number;
  /** Hidden taste for dark themes, standard normal. */
  darkAffinity: number;
  /** Hidden pointing precision, 0…1 (low → misclicks, wants bigger targets). */
  dexterity: number;
  /** Hidden tastes for the purely aesthetic variables, 0…1. */
  radiusTaste: number;
  motionTaste: number;
  saturationTaste: number;
  /** Relative activity: how likely this user is to start any given session. */
  activity: number;
  locale: string;
  rtl: boolean;
  /** True offset from UTC in minutes (east positive); `reportsTimezone` says whether it is logged. */
  tzMin: number;
  reportsTimezone: boolean;
  /** Preferred local hour of use (centre of the day's sessions). */
  peakHour: number;
  scheme: SessionContext['prefers_color_scheme'];
  reducedMotion: boolean;
  contrast: SessionContext['prefers_contrast'];
  forcedColors?: boolean;
  /** The OS font scale (always real, logged only when `reportsFontScale`). */
  osFontScale: number;
  reportsFontScale: boolean;
  device: Device;
  /** The device used after a context drift. */
  driftDevice: Device;
  /** Sessions so far (the next session's `previous_sessions`). */
  sessions: number;
}

const LOCALES: ReadonlyArray<[string, boolean, number]> = [
  ['en-US', false, -300], ['en-GB', false, 0], ['de-DE', false, 60], ['fr-FR', false, 60], ['es-ES', false, 60],
  ['pt-BR', false, -180], ['ja-JP', false, 540], ['hi-IN', false, 330], ['ar-EG', true, 120], ['he-IL', true, 120],
  ['fa-IR', true, 210], ['zh-CN', false, 480], ['en-AU', false, 600], ['es-MX', false, -360],
];
const LOCALE_WEIGHTS = [30, 8, 8, 6, 5, 7, 5, 8, 4, 2, 2, 8, 3, 4];

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const round2 = (v: number) => Math.round(v * 100) / 100;

/** Draw a device; `mobileShare` biases the mix (context drift raises it). */
export function drawDevice(rng: Rng, mobileShare: number): Device {
  const rest = 1 - mobileShare;
  const k = rng.weighted([mobileShare, rest * 0.15, rest * 0.8, rest * 0.05]);
  const connection = rng.chance(0.7) ? (['slow-2g', '2g', '3g', '4g'] as const)[rng.weighted([0.02, 0.05, 0.18, 0.75])] : undefined;
  const saveData = rng.chance(0.5) ? rng.chance(0.08) : undefined;
  if (k === 0) {
    const w = rng.pick([360, 375, 390, 393, 412, 414, 428]);
    return { deviceClass: 'mobile', input: 'touch', width: w, height: Math.round(w * rng.uniform(1.9, 2.2)), dpr: rng.pick([2, 2.625, 3]), reportsZoom: rng.chance(0.2), reportsLight: rng.chance(0.7), connection, saveData };
  }
  if (k === 1) {
    const w = rng.pick([768, 810, 820, 834, 1024]);
    return { deviceClass: 'tablet', input: rng.chance(0.9) ? 'touch' : 'pen', width: w, height: Math.round(w * rng.uniform(1.3, 1.45)), dpr: 2, reportsZoom: rng.chance(0.3), reportsLight: rng.chance(0.5), connection, saveData };
  }
  if (k === 2) {
    const w = rng.pick([1280, 1366, 1440, 1536, 1680, 1920, 2560]);
    const input = (['mouse', 'keyboard', 'touch', 'pen'] as const)[rng.weighted([0.85, 0.08, 0.05, 0.02])];
    return { deviceClass: 'desktop', input, width: w, height: Math.round(w / rng.uniform(1.5, 1.8)), dpr: rng.pick([1, 1, 1.25, 1.5, 2]), reportsZoom: rng.chance(0.9), reportsLight: rng.chance(0.1), connection, saveData };
  }
  return { deviceClass: 'tv', input: 'keyboard', width: 1920, height: 1080, dpr: 1, reportsZoom: false, reportsLight: false, connection, saveData };
}

/** Create user `index` with its hidden traits and devices. */
export function createUser(index: number, seed: number, rng: Rng): SimUser {
  const vision = (rng.next() + rng.next() + rng.next()) / 3;
  const darkAffinity = rng.normal();
  const [locale, rtl, tzMin] = LOCALES[rng.weighted(LOCALE_WEIGHTS)];
  const schemeDraw = darkAffinity + rng.normal() * 0.8;
  const contrastDraw = rng.next();
  return {
    index,
    id: `sim${seed}-u${String(index).padStart(6, '0')}`,
    vision,
    darkAffinity,
    dexterity: rng.next(),
    radiusTaste: rng.next(),
    motionTaste: rng.next(),
    saturationTaste: rng.next(),
    activity: Math.exp(rng.normal() * 0.6),
    locale,
    rtl,
    tzMin,
    reportsTimezone: rng.chance(0.85),
    peakHour: clamp(13 + rng.normal() * 4, 6, 23),
    scheme: schemeDraw > 0.6 ? 'dark' : schemeDraw < -0.6 ? 'light' : 'no-preference',
    reducedMotion: rng.chance(0.07),
    contrast: contrastDraw < 0.04 ? 'more' : contrastDraw < 0.05 ? 'less' : contrastDraw < 0.06 ? 'custom' : 'no-preference',
    forcedColors: rng.chance(0.6) ? rng.chance(0.015) : undefined,
    osFontScale: round2(clamp(1 + 0.6 * (vision - 0.5) + rng.normal() * 0.07, 0.8, 2)),
    reportsFontScale: rng.chance(0.8),
    device: drawDevice(rng, 0.55),
    driftDevice: drawDevice(rng, 0.85),
    sessions: 0,
  };
}

/** Draw the local minute of day (0…1439) of a session of this user; drift shifts it later. */
export function drawLocalMinute(user: SimUser, rng: Rng, contextShift: number): number {
  const h = user.peakHour + 3 * contextShift + rng.normal() * 3.5;
  return Math.floor((((h % 24) + 24) % 24) * 60);
}

/** Ambient light for a local hour: bright days, dim evenings, dark nights (lux). */
function ambientLux(hour: number, rng: Rng): number {
  const daylight = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI));
  return Math.round(clamp(5 + daylight * 2000 * Math.exp(rng.normal()), 0, 200_000));
}

/**
 * The context of one session at a local hour (0 ≤ hour < 24) and weekday (0 = Sunday).
 * `useDriftDevice` and `contextShift` come from the drift regime of the session's day.
 */
export function drawContext(user: SimUser, hour: number, weekday: number, useDriftDevice: boolean, contextShift: number, rng: Rng): SessionContext {
  const d = useDriftDevice ? user.driftDevice : user.device;
  const wobble = d.deviceClass === 'desktop' ? Math.round(rng.normal() * 40) : 0;
  const scheme = contextShift > 0 && user.scheme !== 'dark' && rng.chance(0.4 * contextShift) ? 'dark' : user.scheme;
  const ctx: SessionContext = {
    viewport_width: clamp(d.width + wobble, 200, 10_000),
    viewport_height: clamp(d.height - (d.deviceClass === 'desktop' ? rng.int(120) : 0), 200, 10_000),
    device_pixel_ratio: d.dpr,
    device_class: d.deviceClass,
    input_modality: d.input,
    local_hour: hour,
    local_weekday: weekday,
    locale: user.locale,
    text_direction: user.rtl ? 'rtl' : 'ltr',
    prefers_color_scheme: scheme,
    prefers_reduced_motion: user.reducedMotion,
    prefers_contrast: user.contrast,
    previous_sessions: user.sessions,
  };
  if (user.reportsTimezone) ctx.timezone_offset_min = user.tzMin;
  if (user.forcedColors !== undefined) ctx.forced_colors = user.forcedColors;
  if (user.reportsFontScale) ctx.os_font_scale = user.osFontScale;
  if (d.reportsZoom) ctx.browser_zoom = user.vision > 0.65 && rng.chance(0.5) ? rng.pick([1.1, 1.25, 1.5]) : rng.chance(0.9) ? 1 : rng.pick([0.9, 1.1]);
  if (d.connection !== undefined) ctx.connection_type = d.connection;
  if (d.saveData !== undefined) ctx.save_data = d.saveData;
  if (d.reportsLight) ctx.ambient_light_lux = ambientLux(hour, rng);
  return ctx;
}
