import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { COLOR_A, COLOR_B } from '../../../functions/src/stages/compare/chart-theme.ts';
import { CHART_KINDS, renderComparisonCharts, type Chart, type ChartKind } from '../../../functions/src/stages/compare/charts.ts';
import type { ComparisonReport } from '../../../functions/src/stages/compare/comparison-report.ts';
import { TOP_FEATURES } from '../../../functions/src/stages/compare/importance-chart.ts';
import { versionLabels } from '../../../functions/src/stages/compare/report-format.ts';
import type { ClassEvaluation, VarEvaluation } from '../../../functions/src/stages/evaluate/evaluation-report.ts';
import { findAll, parseXml, textOf } from '../../support/xml-tree.ts';
import { guideTexts, markItems } from './chart-marks.ts';
import { comparisonFixture } from './comparison-fixture.ts';

const report = comparisonFixture();
const labels = versionLabels(report);
const classEvals = Object.values(report.targets).flatMap((t) => (t.a.kind === 'class' && t.b.kind === 'class' ? [[t.a, t.b] as [ClassEvaluation, ClassEvaluation]] : []));
const varEvals = Object.values(report.targets).flatMap((t) => (t.a.kind === 'var' && t.b.kind === 'var' ? [[t.a, t.b] as [VarEvaluation, VarEvaluation]] : []));
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

let charts: Chart[] = [];
const warnings: string[] = [];
before(async () => {
  charts = await renderComparisonCharts(report, { onWarning: (w) => warnings.push(w) });
});
const chart = (kind: ChartKind) => charts.find((c) => c.kind === kind) ?? assert.fail(`no ${kind} chart`);

/** What each kind must draw for the fixture, counted from the report's own data. */
const MARKS: Record<ChartKind, (svg: string) => void> = {
  confusion: (svg) => {
    assert.equal(markItems(svg, 'rect').length, sum(classEvals.map(([a]) => a.labels.length ** 2 * 2)));
    const drawn = markItems(svg, 'text').map((t) => Number(textOf(t)));
    const counts = classEvals.flatMap(([a, b]) => [...a.confusion.flat(), ...b.confusion.flat()]);
    assert.deepEqual([...drawn].sort((x, y) => x - y), [...counts].sort((x, y) => x - y));
  },
  calibration: (svg) => {
    const filled = sum(classEvals.flatMap(([a, b]) => [...a.calibration, ...b.calibration].map((bin) => (bin.count > 0 ? 1 : 0))));
    assert.equal(markItems(svg, 'symbol').length, filled);
    // Per class target: the diagonal and one curve per version.
    assert.equal(markItems(svg, 'line').length, classEvals.length * 3);
  },
  'metric-diff': (svg) => {
    const targets = Object.values(report.targets);
    const points = markItems(svg, 'symbol');
    assert.equal(points.length, targets.length);
    assert.equal(points.filter((p) => p.attributes.fill === COLOR_B).length, report.summary.b_wins.length);
    assert.equal(points.filter((p) => p.attributes.fill === COLOR_A).length, report.summary.a_wins.length);
    const withInterval = targets.filter((t) => t.intervals.some((i) => i.metric === t.metric)).length;
    // One error bar per target with an interval, plus a zero line per panel (classifiers, regressors).
    assert.equal(markItems(svg, 'rule').length, withInterval + 2);
  },
  residuals: (svg) => {
    assert.equal(markItems(svg, 'rect').length, sum(varEvals.map(([a, b]) => a.residualHistogram.counts.length + b.residualHistogram.counts.length)));
  },
  importance: (svg) => {
    // The fixture's models split on all 19 features, so the chart is full.
    assert.equal(markItems(svg, 'rect').length, TOP_FEATURES * 2);
    const features = guideTexts(svg, 'role-axis-label').filter((t) => /^[a-z0-9_]+ \(feature_\d+\)$/.test(t));
    assert.equal(features.length, TOP_FEATURES);
  },
  'predicted-distribution': (svg) => {
    assert.equal(markItems(svg, 'rect', 'predicted_share').length, sum(classEvals.map(([a]) => a.labels.length * 2)));
    assert.equal(markItems(svg, 'rect', 'true_share').length, sum(classEvals.map(([a]) => a.labels.length)));
  },
};

describe('renderComparisonCharts', () => {
  it('renders one chart of every kind, in order, without a warning from vega-lite or Vega', () => {
    assert.deepEqual(charts.map((c) => c.kind), [...CHART_KINDS]);
    assert.deepEqual(warnings, []);
  });

  for (const kind of CHART_KINDS) {
    describe(kind, () => {
      it('is a well-formed SVG document with a size, its ids scoped to the chart', () => {
        const root = parseXml(chart(kind).svg);
        assert.equal(root.name, 'svg');
        assert.ok(Number(root.attributes.width) > 0 && Number(root.attributes.height) > 0);
        const ids = findAll(root, (el) => el.attributes.id !== undefined).map((el) => el.attributes.id);
        for (const id of ids) assert.ok(id.startsWith(`chart-${kind}-`), id);
        for (const [, ref] of chart(kind).svg.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(ref), `dangling reference #${ref}`);
      });

      it('draws one mark per datum of the report', () => {
        MARKS[kind](chart(kind).svg);
      });

      it('names both versions by their version names', () => {
        const text = textOf(parseXml(chart(kind).svg));
        assert.ok(text.includes(labels.a) && text.includes(labels.b), `${kind} does not name ${labels.a} and ${labels.b}`);
      });
    });
  }

  it('renders the same bytes for the same report', async () => {
    const again = await renderComparisonCharts(comparisonFixture());
    assert.deepEqual(again.map((c) => c.svg), charts.map((c) => c.svg));
  });

  it('gives every chart its own ids, so one page can inline them all', () => {
    const ids = charts.flatMap((c) => [...c.svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    assert.ok(ids.length > 0);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('leaves out the kinds a report has no data for', async () => {
    const only = (kind: 'class' | 'var'): ComparisonReport => {
      const r = comparisonFixture();
      r.targets = Object.fromEntries(Object.entries(r.targets).filter(([, t]) => t.kind === kind));
      return r;
    };
    assert.deepEqual((await renderComparisonCharts(only('var'))).map((c) => c.kind), ['metric-diff', 'residuals', 'importance']);
    assert.deepEqual((await renderComparisonCharts(only('class'))).map((c) => c.kind), ['metric-diff', 'confusion', 'calibration', 'predicted-distribution', 'importance']);
  });

  it('draws a version name with markup as text, never as markup', async () => {
    const evil = '<script>alert(1)</script>&';
    for (const c of await renderComparisonCharts(comparisonFixture({ versionB: evil }))) {
      const root = parseXml(c.svg);
      assert.equal(findAll(root, (el) => el.name === 'script').length, 0, c.kind);
      assert.ok(textOf(root).includes(`B · ${evil}`), c.kind);
    }
  });
});
