/**
 * The look every comparison chart shares, so that version A has one colour on every chart of a
 * report and a reader learns the legend once: colours, fonts, sizes and the version scale.
 */
import type { Config } from 'vega-lite';
import type { VersionLabels } from './report-format.ts';

/** Colour of version A (Tableau blue). */
export const COLOR_A = '#4c78a8';
/** Colour of version B (Tableau orange). */
export const COLOR_B = '#f58518';
/** Colour of what neither version owns: the truth, a reference line, a non-significant result. */
export const COLOR_NEUTRAL = '#6b6b6b';

/**
 * Legend labels get room for long version names: Vega cuts them at 160 px by default, and without
 * a canvas it estimates text at 0.8 × font size per character, about a third wider than drawn.
 */
const LEGEND_LABEL_LIMIT = 480;

/** Config applied to every chart: white background (readable in dark-mode viewers), larger type. */
export const CHART_CONFIG: Config = {
  background: 'white',
  padding: 12,
  font: 'sans-serif',
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#444', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: LEGEND_LABEL_LIMIT, titleLimit: LEGEND_LABEL_LIMIT, orient: 'bottom', direction: 'horizontal' },
  concat: { spacing: 28 },
  facet: { spacing: 20 },
};

/** The colour encoding of a `version` field, naming both versions in the legend. */
export function versionColor(labels: VersionLabels, title = 'Version') {
  return {
    field: 'version',
    type: 'nominal' as const,
    title,
    scale: { domain: [labels.a, labels.b], range: [COLOR_A, COLOR_B] },
  };
}
