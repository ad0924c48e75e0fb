/** A valid session document for tests, with overridable parts (deep enough for the cases here). */
import { InteractionLogSchema, type InteractionLog, type InteractionLogInput } from '../../functions/src/data/log-schema.ts';

type Parts = {
  context?: Partial<InteractionLogInput['context']>;
  served?: Partial<InteractionLogInput['served']>;
  behavior?: Partial<InteractionLogInput['behavior']>;
  explicit?: InteractionLogInput['explicit'];
  session_duration?: number;
};

/** A session as the web app writes it (valid by default). */
export function logInput(parts: Parts = {}): InteractionLogInput {
  return {
    schema_version: 2,
    session_id: 's1',
    user_id: 'u1',
    timestamp: '2026-01-10T12:00:00.000Z',
    session_duration: parts.session_duration ?? 120_000,
    context: {
      viewport_width: 1024,
      viewport_height: 768,
      device_pixel_ratio: 2,
      device_class: 'desktop',
      input_modality: 'mouse',
      local_hour: 6,
      local_weekday: 3,
      locale: 'en-GB',
      text_direction: 'ltr',
      prefers_color_scheme: 'light',
      prefers_reduced_motion: false,
      prefers_contrast: 'no-preference',
      previous_sessions: 0,
      ...parts.context,
    },
    served: {
      model_version: 'v1',
      css_class_density: 'comfortable',
      css_class_font: 'medium',
      css_class_theme: 'light',
      css_vars: [1, 1.5, 1, 44, 8, 200, 1, 1],
      ...parts.served,
    },
    behavior: {
      zoom_in_events: 0,
      zoom_out_events: 0,
      font_increase_events: 0,
      font_decrease_events: 0,
      theme_toggles: 0,
      density_toggles: 0,
      scroll_depth: 0.6,
      scroll_speed_px_s: 500,
      misclicks: 0,
      rage_clicks: 0,
      mean_dwell_ms: 4000,
      back_navigations: 0,
      ...parts.behavior,
    },
    ...(parts.explicit ? { explicit: parts.explicit } : {}),
  };
}

/** A validated session (parsed by the real schema, so tests see what the collection stage sees). */
export function makeLog(parts: Parts = {}): InteractionLog {
  return InteractionLogSchema.parse(logInput(parts));
}
