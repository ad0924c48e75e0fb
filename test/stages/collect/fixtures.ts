/** Hand-written session documents for the collection tests: one valid log and ways to break it. */
import type { RawLog } from '../../../functions/src/ports/index.ts';

/** A valid session document (schema version 2) at `timestamp`, with optional deep overrides. */
export function validLog(id: string, timestamp: string | number = '2026-11-20T10:00:00.000Z', patch: (d: any) => void = () => {}): RawLog {
  const data: any = {
    schema_version: 2,
    session_id: id,
    user_id: `user-${id}`,
    timestamp,
    session_duration: 120_000,
    context: {
      viewport_width: 1280,
      viewport_height: 800,
      device_pixel_ratio: 2,
      device_class: 'desktop',
      input_modality: 'mouse',
      local_hour: 14.5,
      local_weekday: 3,
      timezone_offset_min: 60,
      locale: 'de-DE',
      text_direction: 'ltr',
      prefers_color_scheme: 'dark',
      prefers_reduced_motion: false,
      prefers_contrast: 'no-preference',
      os_font_scale: 1,
      browser_zoom: 1.1,
      connection_type: '4g',
      previous_sessions: 12,
    },
    served: {
      model_version: 'v_20261101_020000',
      variant: 'current',
      css_class_density: 'comfortable',
      css_class_font: 'medium',
      css_class_theme: 'dark',
      css_vars: [1, 1.5, 1, 44, 8, 200, 1, 1],
      latency_ms: 3,
    },
    behavior: {
      zoom_in_events: 2,
      zoom_out_events: 0,
      font_increase_events: 1,
      font_decrease_events: 0,
      theme_toggles: 0,
      density_toggles: 0,
      scroll_depth: 0.7,
      scroll_speed_px_s: 900,
      misclicks: 1,
      rage_clicks: 0,
      mean_dwell_ms: 4000,
      back_navigations: 1,
      reading_speed_wpm: 230,
    },
    explicit: { font: 'large' },
  };
  patch(data);
  return { id, data };
}
