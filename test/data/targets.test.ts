import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLASS_LABELS,
  TARGET_CLASS_COLUMNS,
  TARGET_COLUMNS,
  TARGET_REJECT_REASONS,
  TARGET_VAR_COLUMNS,
  VAR_SPECS,
  fontClassOfScale,
  fontSteps,
  inferTargets,
  toggledDensity,
  toggledTheme,
} from '../../functions/src/data/targets.ts';
import { makeLog } from './log-fixture.ts';

type Parts = Parameters<typeof makeLog>[0];

function ok(parts: Parts) {
  const r = inferTargets(makeLog(parts));
  assert.ok(r.ok, `rejected: ${!r.ok && r.reason}`);
  return r;
}

describe('target columns and specs', () => {
  it('has 3 class columns, 8 var columns, classes first', () => {
    assert.deepEqual([...TARGET_CLASS_COLUMNS], ['css_class_density', 'css_class_font', 'css_class_theme']);
    assert.deepEqual([...TARGET_VAR_COLUMNS], Array.from({ length: 8 }, (_, i) => `css_var_${i}`));
    assert.deepEqual([...TARGET_COLUMNS], [...TARGET_CLASS_COLUMNS, ...TARGET_VAR_COLUMNS]);
    assert.deepEqual([...CLASS_LABELS.css_class_theme], ['light', 'dark', 'high-contrast']);
    assert.equal(VAR_SPECS.length, 8);
    VAR_SPECS.forEach((s, i) => {
      assert.equal(s.column, `css_var_${i}`);
      assert.ok(s.min < s.max && s.default >= s.min && s.default <= s.max, s.name);
    });
  });
});

describe('rejections', () => {
  const cases: Array<[string, Parts, string]> = [
    ['bot: very fast scroll and tiny dwell', { behavior: { scroll_speed_px_s: 50_000, mean_dwell_ms: 100 } }, 'bot_like'],
    ['nothing happened at all', { behavior: { scroll_depth: 0.01 } }, 'no_engagement'],
    ['font up and down the same', { behavior: { font_increase_events: 3, font_decrease_events: 3 } }, 'contradictory_signals'],
    ['zoom in and out nearly the same', { behavior: { zoom_in_events: 4, zoom_out_events: 3 } }, 'contradictory_signals'],
    ['theme flapping', { behavior: { theme_toggles: 7 } }, 'contradictory_signals'],
    ['density flapping', { behavior: { density_toggles: 6 } }, 'contradictory_signals'],
    ['explicit small font with a large scale', { explicit: { font: 'small', font_scale: 1.4 } }, 'contradictory_signals'],
  ];
  for (const [name, parts, reason] of cases) {
    it(`${name} → ${reason}`, () => {
      const r = inferTargets(makeLog(parts));
      assert.deepEqual(r, { ok: false, reason });
      assert.ok((TARGET_REJECT_REASONS as readonly string[]).includes(reason));
    });
  }

  const accepted: Array<[string, Parts]> = [
    ['fast scroll but real dwell', { behavior: { scroll_speed_px_s: 50_000, mean_dwell_ms: 2000 } }],
    ['shallow scroll with an explicit choice', { behavior: { scroll_depth: 0 }, explicit: { theme: 'dark' } }],
    ['shallow scroll with one back navigation', { behavior: { scroll_depth: 0, back_navigations: 1 } }],
    ['font flapping settled by an explicit font', { behavior: { font_increase_events: 3, font_decrease_events: 3 }, explicit: { font: 'large' } }],
    ['theme flapping settled by an explicit theme', { behavior: { theme_toggles: 8 }, explicit: { theme: 'dark' } }],
    ['toggle and back once', { behavior: { theme_toggles: 2 } }],
  ];
  for (const [name, parts] of accepted) it(`${name} is accepted`, () => void ok(parts));
});

describe('theme rules', () => {
  const cases: Array<[string, Parts, string]> = [
    ['no evidence keeps the served theme', {}, 'light'],
    ['explicit theme wins over toggles', { behavior: { theme_toggles: 1 }, explicit: { theme: 'high-contrast' } }, 'high-contrast'],
    ['one toggle from light → dark', { behavior: { theme_toggles: 1 } }, 'dark'],
    ['one toggle from dark → light', { served: { css_class_theme: 'dark' }, behavior: { theme_toggles: 1 } }, 'light'],
    ['three toggles from light → dark (odd)', { behavior: { theme_toggles: 3 } }, 'dark'],
    ['two toggles come back to light', { behavior: { theme_toggles: 2 } }, 'light'],
    ['toggle away from high-contrast with a dark OS → dark', { served: { css_class_theme: 'high-contrast' }, context: { prefers_color_scheme: 'dark' }, behavior: { theme_toggles: 1 } }, 'dark'],
    ['toggle away from high-contrast otherwise → light', { served: { css_class_theme: 'high-contrast' }, context: { prefers_color_scheme: 'no-preference' }, behavior: { theme_toggles: 1 } }, 'light'],
  ];
  for (const [name, parts, want] of cases) it(`${name}`, () => assert.equal(ok(parts).classes.css_class_theme, want));
});

describe('font rules', () => {
  const cases: Array<[string, Parts, string]> = [
    ['no evidence keeps the served font', {}, 'medium'],
    ['explicit font wins over events', { behavior: { font_increase_events: 5 }, explicit: { font: 'small' } }, 'small'],
    ['explicit scale 1.3 → large', { explicit: { font_scale: 1.3 } }, 'large'],
    ['explicit scale 0.9 → small', { served: { css_class_font: 'large' }, explicit: { font_scale: 0.9 } }, 'small'],
    ['one font increase → one step larger', { behavior: { font_increase_events: 1 } }, 'large'],
    ['zoom in counts like a font increase', { served: { css_class_font: 'small' }, behavior: { zoom_in_events: 2 } }, 'medium'],
    ['net +4 moves two steps', { served: { css_class_font: 'small' }, behavior: { font_increase_events: 2, zoom_in_events: 2 } }, 'large'],
    ['net −1 → one step smaller', { behavior: { font_decrease_events: 1 } }, 'small'],
    ['clamped at the top', { served: { css_class_font: 'large' }, behavior: { font_increase_events: 5 } }, 'large'],
    ['zoom in then out (net 0) keeps the served font', { behavior: { zoom_in_events: 1, zoom_out_events: 1 } }, 'medium'],
  ];
  for (const [name, parts, want] of cases) it(`${name}`, () => assert.equal(ok(parts).classes.css_class_font, want));
});

describe('density rules', () => {
  const touch = { input_modality: 'touch' as const, device_class: 'mobile' as const, viewport_width: 390, viewport_height: 844 };
  const cases: Array<[string, Parts, string]> = [
    ['no evidence keeps the served density', {}, 'comfortable'],
    ['explicit density wins over misclicks', { context: touch, behavior: { misclicks: 6 }, explicit: { density: 'compact' } }, 'compact'],
    ['misclicks on touch → one step more spacious', { context: touch, behavior: { misclicks: 3 } }, 'spacious'],
    ['rage clicks count double', { context: touch, served: { css_class_density: 'compact' }, behavior: { misclicks: 1, rage_clicks: 1 } }, 'comfortable'],
    ['ordinary misclick noise on touch changes nothing', { context: touch, behavior: { misclicks: 2 } }, 'comfortable'],
    ['misclicks with a mouse are not about touch targets', { behavior: { misclicks: 5 } }, 'comfortable'],
    ['toggle from compact → comfortable', { served: { css_class_density: 'compact' }, behavior: { density_toggles: 1 } }, 'comfortable'],
    ['toggle from spacious → comfortable', { served: { css_class_density: 'spacious' }, behavior: { density_toggles: 1 } }, 'comfortable'],
    ['toggle from comfortable while skimming → compact', { behavior: { density_toggles: 1, scroll_speed_px_s: 2500 } }, 'compact'],
    ['toggle from comfortable while reading → spacious', { behavior: { density_toggles: 1, scroll_speed_px_s: 400 } }, 'spacious'],
    ['two toggles come back', { served: { css_class_density: 'compact' }, behavior: { density_toggles: 2 } }, 'compact'],
  ];
  for (const [name, parts, want] of cases) it(`${name}`, () => assert.equal(ok(parts).classes.css_class_density, want));
});

describe('css var rules', () => {
  const touch = { input_modality: 'touch' as const };
  const cases: Array<[string, Parts, number, number]> = [
    ['no evidence: font scale served', {}, 0, 1],
    ['explicit font scale', { explicit: { font_scale: 1.35 } }, 0, 1.35],
    ['explicit font class → its scale', { explicit: { font: 'large' } }, 0, 1.2],
    ['two font increases → × 1.1²', { behavior: { font_increase_events: 2 } }, 0, 1.21],
    ['font scale clamped to 2', { served: { css_vars: [1.9, 1.5, 1, 44, 8, 200, 1, 1] }, behavior: { font_increase_events: 3 } }, 0, 2],
    ['line height +0.05 per net event', { behavior: { zoom_in_events: 2 } }, 1, 1.6],
    ['slow reading adds line height', { behavior: { reading_speed_wpm: 120 } }, 1, 1.6],
    ['fast reading removes line height', { behavior: { reading_speed_wpm: 500 } }, 1, 1.45],
    ['density changed → its spacing', { explicit: { density: 'spacious' } }, 2, 1.2],
    ['density unchanged → served spacing', { served: { css_vars: [1, 1.5, 1.07, 44, 8, 200, 1, 1] } }, 2, 1.07],
    ['touch pressure 5 → +12 px targets', { context: touch, behavior: { misclicks: 3, rage_clicks: 1 } }, 3, 56],
    ['touch pressure capped at 6 steps', { context: touch, behavior: { misclicks: 20 } }, 3, 68],
    ['noise-level pressure keeps targets', { context: touch, behavior: { misclicks: 2 } }, 3, 44],
    ['high-contrast caps the radius', { explicit: { theme: 'high-contrast' } }, 4, 4],
    ['explicit reduced motion → 0 ms', { explicit: { reduced_motion: true } }, 5, 0],
    ['explicit motion back on from 0 → default', { served: { css_vars: [1, 1.5, 1, 44, 8, 0, 1, 1] }, explicit: { reduced_motion: false } }, 5, 200],
    ['rage clicks halve animations', { behavior: { rage_clicks: 3 } }, 5, 100],
    ['high-contrast raises contrast', { explicit: { theme: 'high-contrast' } }, 6, 1.5],
    ['leaving high-contrast caps contrast', { served: { css_class_theme: 'high-contrast', css_vars: [1, 1.5, 1, 44, 2, 200, 1.7, 0.8] }, behavior: { theme_toggles: 1 } }, 6, 1.2],
    ['high-contrast caps saturation', { explicit: { theme: 'high-contrast' } }, 7, 0.8],
    ['served out of range is clamped', { served: { css_vars: [1, 1.5, 1, 44, 8, 5000, 1, 1] } }, 5, 1000],
  ];
  for (const [name, parts, j, want] of cases) {
    it(`${name} (css_var_${j} = ${want})`, () => {
      const got = ok(parts).vars[j];
      assert.ok(Math.abs(got - want) < 1e-9, `got ${got}`);
    });
  }

  it('returns 8 vars, all inside their spec ranges, for a busy session', () => {
    const r = ok({ context: touch, behavior: { misclicks: 9, rage_clicks: 4, font_increase_events: 9, zoom_in_events: 1 } });
    assert.equal(r.vars.length, 8);
    r.vars.forEach((v, j) => assert.ok(v >= VAR_SPECS[j].min && v <= VAR_SPECS[j].max, `css_var_${j} = ${v}`));
  });
});

describe('rule helpers', () => {
  const steps: Array<[number, number]> = [[0, 0], [1, 1], [3, 1], [4, 2], [9, 2], [-1, -1], [-4, -2]];
  for (const [net, want] of steps) it(`fontSteps(${net}) = ${want}`, () => assert.equal(fontSteps(net), want));
  it('fontClassOfScale at the boundaries', () => {
    assert.deepEqual([0.94, 0.95, 1.09, 1.1].map(fontClassOfScale), ['small', 'medium', 'medium', 'large']);
  });
  it('toggles', () => {
    assert.equal(toggledTheme('light', 'dark'), 'dark');
    assert.equal(toggledTheme('high-contrast', 'light'), 'light');
    assert.equal(toggledDensity('comfortable', 1500), 'compact');
    assert.equal(toggledDensity('comfortable', 1499), 'spacious');
  });
});
