import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FEATURE_COLUMNS,
  FEATURE_COUNT,
  FEATURE_NAMES,
  FEATURE_SPECS,
  countMissing,
  countOutOfRange,
  prepareFeaturesV2,
} from '../../functions/src/data/features.ts';
import type { SessionContext } from '../../functions/src/data/log-schema.ts';
import { makeLog } from './log-fixture.ts';

const idx = (name: string) => {
  const i = FEATURE_NAMES.indexOf(name);
  assert.ok(i >= 0, `no feature ${name}`);
  return i;
};
const ctx = (over: Partial<SessionContext> = {}): SessionContext => ({ ...makeLog().context, ...over });
const feature = (name: string, over: Partial<SessionContext>) => prepareFeaturesV2(ctx(over))[idx(name)];

describe('feature names and columns', () => {
  it('has exactly 19 unique descriptive names and the original column names in order', () => {
    assert.equal(FEATURE_COUNT, 19);
    assert.equal(FEATURE_NAMES.length, 19);
    assert.equal(new Set(FEATURE_NAMES).size, 19);
    assert.deepEqual(FEATURE_COLUMNS, Array.from({ length: 19 }, (_, i) => `feature_${i}`));
    FEATURE_SPECS.forEach((s, i) => {
      assert.equal(s.index, i);
      assert.ok(s.min <= s.max, s.name);
      assert.ok(s.unit && s.transform && s.sources.length > 0, s.name);
    });
  });

  it('keeps the fixed order the served model expects (first, middle, last)', () => {
    assert.equal(FEATURE_NAMES[0], 'viewport_width_log2');
    assert.equal(FEATURE_NAMES[5], 'hour_sin');
    assert.equal(FEATURE_NAMES[18], 'timezone_offset_hours');
  });
});

describe('prepareFeaturesV2 transforms', () => {
  const cases: Array<[string, Partial<SessionContext>, number]> = [
    ['viewport_width_log2', { viewport_width: 1024 }, 10],
    ['viewport_aspect_ratio', { viewport_width: 1000, viewport_height: 500 }, 2],
    ['device_pixel_ratio', { device_pixel_ratio: 2.5 }, 2.5],
    ['device_class', { device_class: 'mobile' }, 0],
    ['device_class', { device_class: 'tablet' }, 1],
    ['device_class', { device_class: 'desktop' }, 2],
    ['device_class', { device_class: 'tv' }, 3],
    ['touch_primary', { input_modality: 'touch' }, 1],
    ['touch_primary', { input_modality: 'pen' }, 1],
    ['touch_primary', { input_modality: 'mouse' }, 0],
    ['touch_primary', { input_modality: 'keyboard' }, 0],
    ['hour_sin', { local_hour: 6 }, 1],
    ['hour_cos', { local_hour: 12 }, -1],
    ['hour_cos', { local_hour: 0 }, 1],
    ['is_weekend', { local_weekday: 0 }, 1],
    ['is_weekend', { local_weekday: 6 }, 1],
    ['is_weekend', { local_weekday: 3 }, 0],
    ['color_scheme_preference', { prefers_color_scheme: 'light' }, -1],
    ['color_scheme_preference', { prefers_color_scheme: 'no-preference' }, 0],
    ['color_scheme_preference', { prefers_color_scheme: 'dark' }, 1],
    ['reduced_motion', { prefers_reduced_motion: true }, 1],
    ['reduced_motion', { prefers_reduced_motion: false }, 0],
    ['contrast_preference', { prefers_contrast: 'less' }, -1],
    ['contrast_preference', { prefers_contrast: 'no-preference' }, 0],
    ['contrast_preference', { prefers_contrast: 'custom' }, 0.5],
    ['contrast_preference', { prefers_contrast: 'more' }, 1],
    ['contrast_preference', { prefers_contrast: 'no-preference', forced_colors: true }, 2],
    ['contrast_preference', { prefers_contrast: 'more', forced_colors: false }, 1],
    ['os_font_scale', { os_font_scale: 1.3 }, 1.3],
    ['browser_zoom', { browser_zoom: 1.25 }, 1.25],
    ['connection_quality', { connection_type: 'slow-2g' }, 0],
    ['connection_quality', { connection_type: '2g' }, 1],
    ['connection_quality', { connection_type: '3g' }, 2],
    ['connection_quality', { connection_type: '4g' }, 3],
    ['save_data', { save_data: true }, 1],
    ['save_data', { save_data: false }, 0],
    ['rtl', { text_direction: 'rtl' }, 1],
    ['rtl', { text_direction: 'ltr' }, 0],
    ['previous_sessions_log1p', { previous_sessions: 0 }, 0],
    ['previous_sessions_log1p', { previous_sessions: Math.E - 1 }, 1],
    ['ambient_light_log10', { ambient_light_lux: 999 }, 3],
    ['ambient_light_log10', { ambient_light_lux: 0 }, 0],
    ['timezone_offset_hours', { timezone_offset_min: -330 }, -5.5],
  ];
  for (const [name, over, want] of cases) {
    it(`${name} of ${JSON.stringify(over)} is ${want}`, () => {
      const got = feature(name, over);
      assert.ok(Math.abs(got - want) < 1e-12, `got ${got}`);
    });
  }

  const optional: Array<[string, keyof SessionContext]> = [
    ['os_font_scale', 'os_font_scale'],
    ['browser_zoom', 'browser_zoom'],
    ['connection_quality', 'connection_type'],
    ['save_data', 'save_data'],
    ['ambient_light_log10', 'ambient_light_lux'],
    ['timezone_offset_hours', 'timezone_offset_min'],
  ];
  for (const [name, field] of optional) {
    it(`${name} is missing (NaN) when ${field} is absent, never a made-up default`, () => {
      assert.ok(Number.isNaN(feature(name, {})));
      assert.equal(FEATURE_SPECS[idx(name)].optional, true);
    });
  }

  it('a context with no optional input has NaN exactly in the optional features', () => {
    const v = prepareFeaturesV2(ctx());
    FEATURE_SPECS.forEach((s, j) => assert.equal(Number.isNaN(v[j]), s.optional, s.name));
  });
});

describe('prepareFeaturesV2 buffers', () => {
  it('writes into the given buffer at the offset, touches nothing else, and returns that buffer', () => {
    const buf = new Float64Array(3 * FEATURE_COUNT).fill(-7);
    const res = prepareFeaturesV2(ctx({ viewport_width: 2048 }), buf, FEATURE_COUNT);
    assert.equal(res, buf);
    assert.equal(buf[FEATURE_COUNT], 11);
    assert.ok(buf.subarray(0, FEATURE_COUNT).every((v) => v === -7));
    assert.ok(buf.subarray(2 * FEATURE_COUNT).every((v) => v === -7));
    assert.deepEqual(Array.from(buf.subarray(FEATURE_COUNT, 2 * FEATURE_COUNT)), Array.from(prepareFeaturesV2(ctx({ viewport_width: 2048 }))));
  });
});

describe('range and missing counters', () => {
  it('counts only present values outside the spec range', () => {
    const v = prepareFeaturesV2(ctx());
    const counts = new Uint32Array(FEATURE_COUNT);
    assert.equal(countOutOfRange(v, counts), 0);
    v[idx('device_pixel_ratio')] = 9;
    v[idx('hour_sin')] = -1.5;
    assert.equal(countOutOfRange(v, counts), 2);
    assert.equal(counts[idx('device_pixel_ratio')], 1);
    assert.equal(counts[idx('hour_sin')], 1);
  });

  it('counts missing values per column', () => {
    const counts = new Uint32Array(FEATURE_COUNT);
    const n = countMissing(prepareFeaturesV2(ctx({ os_font_scale: 1 })), counts);
    assert.equal(n, 5);
    assert.equal(counts[idx('os_font_scale')], 0);
    assert.equal(counts[idx('browser_zoom')], 1);
  });

  it('the extreme contexts the schema allows stay inside the spec ranges', () => {
    const extremes: Array<Partial<SessionContext>> = [
      { viewport_width: 200, viewport_height: 10_000, device_pixel_ratio: 0.5, previous_sessions: 0, ambient_light_lux: 0, timezone_offset_min: -840, os_font_scale: 0.5, browser_zoom: 0.25 },
      { viewport_width: 10_000, viewport_height: 200, device_pixel_ratio: 5, previous_sessions: 1_000_000, ambient_light_lux: 200_000, timezone_offset_min: 840, os_font_scale: 3, browser_zoom: 5 },
    ];
    for (const e of extremes) {
      const counts = new Uint32Array(FEATURE_COUNT);
      assert.equal(countOutOfRange(prepareFeaturesV2(ctx(e)), counts), 0, JSON.stringify(e));
    }
  });
});
