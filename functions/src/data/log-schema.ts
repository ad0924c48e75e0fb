/**
 * The interaction-log data model: one document per session in `interaction_logs`, written by the
 * web app. Documented field by field in docs/data-model.md. The collection stage validates every
 * document against `InteractionLogSchema`; a document that fails is skipped and counted by reason.
 *
 * Timestamps are ISO 8601 strings or epoch milliseconds (the Firestore adapter converts its
 * Timestamp type to an ISO string), normalised to epoch milliseconds by the schema.
 */
import { z } from 'zod';

/** Version of this data model; bump on any incompatible change. */
export const LOG_SCHEMA_VERSION = 2;

export const DENSITY_CLASSES = ['compact', 'comfortable', 'spacious'] as const;
export const FONT_CLASSES = ['small', 'medium', 'large'] as const;
export const THEME_CLASSES = ['light', 'dark', 'high-contrast'] as const;
export const DEVICE_CLASSES = ['mobile', 'tablet', 'desktop', 'tv'] as const;
export const INPUT_MODALITIES = ['touch', 'mouse', 'pen', 'keyboard'] as const;
export const COLOR_SCHEMES = ['light', 'dark', 'no-preference'] as const;
export const CONTRAST_PREFERENCES = ['no-preference', 'more', 'less', 'custom'] as const;
export const CONNECTION_TYPES = ['slow-2g', '2g', '3g', '4g'] as const;
export const TEXT_DIRECTIONS = ['ltr', 'rtl'] as const;

/** Number of continuous CSS variables the model predicts. */
export const CSS_VAR_COUNT = 8;

const MAX_SESSION_MS = 24 * 3600 * 1000;
const count = () => z.number().int().min(0).max(100_000);

/** ISO string or epoch ms → epoch ms; years 2000–2100 only, so garbage dates are caught. */
export const TimestampSchema = z
  .union([z.iso.datetime({ offset: true }), z.number().int()])
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms) || ms < Date.UTC(2000, 0, 1) || ms > Date.UTC(2100, 0, 1)) {
      ctx.addIssue({ code: 'custom', message: 'timestamp outside 2000–2100' });
      return z.NEVER;
    }
    return ms;
  });

/** What is known when the session starts: the only input of the features. */
export const ContextSchema = z.object({
  viewport_width: z.number().int().min(200).max(10_000),
  viewport_height: z.number().int().min(200).max(10_000),
  device_pixel_ratio: z.number().min(0.5).max(5),
  device_class: z.enum(DEVICE_CLASSES),
  input_modality: z.enum(INPUT_MODALITIES),
  local_hour: z.number().min(0).lt(24),
  local_weekday: z.number().int().min(0).max(6),
  timezone_offset_min: z.number().int().min(-840).max(840).optional(),
  locale: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/),
  text_direction: z.enum(TEXT_DIRECTIONS),
  prefers_color_scheme: z.enum(COLOR_SCHEMES),
  prefers_reduced_motion: z.boolean(),
  prefers_contrast: z.enum(CONTRAST_PREFERENCES),
  forced_colors: z.boolean().optional(),
  os_font_scale: z.number().min(0.5).max(3).optional(),
  browser_zoom: z.number().min(0.25).max(5).optional(),
  connection_type: z.enum(CONNECTION_TYPES).optional(),
  save_data: z.boolean().optional(),
  ambient_light_lux: z.number().min(0).max(200_000).optional(),
  previous_sessions: z.number().int().min(0).max(1_000_000),
});

/** What the model (or the defaults) served for this session. */
export const ServedSchema = z.object({
  model_version: z.string().min(1).max(128).nullable(),
  variant: z.enum(['current', 'canary', 'default']).optional(),
  css_class_density: z.enum(DENSITY_CLASSES),
  css_class_font: z.enum(FONT_CLASSES),
  css_class_theme: z.enum(THEME_CLASSES),
  css_vars: z.array(z.number().finite()).length(CSS_VAR_COUNT),
  latency_ms: z.number().min(0).max(60_000).optional(),
});

/** Behaviour observed during the session: the source of the inferred targets, never of features. */
export const BehaviorSchema = z.object({
  zoom_in_events: count(),
  zoom_out_events: count(),
  font_increase_events: count(),
  font_decrease_events: count(),
  theme_toggles: count(),
  density_toggles: count(),
  scroll_depth: z.number().min(0).max(1),
  scroll_speed_px_s: z.number().min(0).max(100_000),
  misclicks: count(),
  rage_clicks: count(),
  mean_dwell_ms: z.number().min(0).max(MAX_SESSION_MS),
  back_navigations: count(),
  reading_speed_wpm: z.number().min(0).max(2000).optional(),
});

/** Settings the user changed explicitly during the session (last value wins); all optional. */
export const ExplicitChoicesSchema = z.object({
  density: z.enum(DENSITY_CLASSES).optional(),
  font: z.enum(FONT_CLASSES).optional(),
  theme: z.enum(THEME_CLASSES).optional(),
  font_scale: z.number().min(0.5).max(3).optional(),
  reduced_motion: z.boolean().optional(),
});

/** One session document. */
export const InteractionLogSchema = z.object({
  schema_version: z.literal(LOG_SCHEMA_VERSION),
  session_id: z.string().min(1).max(128),
  user_id: z.string().min(1).max(128),
  timestamp: TimestampSchema,
  session_duration: z.number().int().min(0).max(MAX_SESSION_MS),
  context: ContextSchema,
  served: ServedSchema,
  behavior: BehaviorSchema,
  explicit: ExplicitChoicesSchema.optional(),
});

/** A validated session (timestamp in epoch ms). */
export type InteractionLog = z.output<typeof InteractionLogSchema>;
/** A session as written by the web app (timestamp as ISO string or epoch ms). */
export type InteractionLogInput = z.input<typeof InteractionLogSchema>;
export type SessionContext = z.output<typeof ContextSchema>;
export type ServedPrediction = z.output<typeof ServedSchema>;
export type SessionBehavior = z.output<typeof BehaviorSchema>;
export type ExplicitChoices = z.output<typeof ExplicitChoicesSchema>;
export type DensityClass = (typeof DENSITY_CLASSES)[number];
export type FontClass = (typeof FONT_CLASSES)[number];
export type ThemeClass = (typeof THEME_CLASSES)[number];
