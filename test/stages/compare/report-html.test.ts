import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { renderComparisonCharts, type Chart } from '../../../functions/src/stages/compare/charts.ts';
import { escapeHtml, renderReportHtml } from '../../../functions/src/stages/compare/report-html.ts';
import { comparisonFixture } from './comparison-fixture.ts';

const report = comparisonFixture();
let charts: Chart[] = [];
let html = '';
before(async () => {
  charts = await renderComparisonCharts(report);
  html = renderReportHtml(report, charts);
});

/** Every `src`, `href`, `xlink:href`, `action`, `poster` and CSS `url()` / `@import` target of a page. */
function references(page: string): string[] {
  const attrs = [...page.matchAll(/\s(?:src|href|xlink:href|action|poster|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) => m[1] ?? m[2] ?? m[3]);
  const css = [...page.matchAll(/url\(\s*['"]?([^'")]+)/gi)].map((m) => m[1]);
  const imports = [...page.matchAll(/@import\s+['"]?([^'";\s]+)/gi)].map((m) => m[1]);
  return [...attrs, ...css, ...imports];
}

describe('renderReportHtml', () => {
  it('holds every chart as an inline SVG', () => {
    assert.equal(charts.length, 6);
    for (const c of charts) assert.ok(html.includes(c.svg), `${c.kind} is not inline`);
    assert.equal(html.match(/<svg\b/g)?.length, charts.length);
  });

  it('references nothing outside itself: no URL, no script, no stylesheet or font to fetch', () => {
    const refs = references(html);
    assert.ok(refs.length > 0, 'the page has in-page links and clip paths; finding none means the check is blind');
    for (const ref of refs) assert.ok(ref.startsWith('#'), `external reference ${ref}`);
    // The only absolute URLs are the SVG namespace names, which are identifiers, never fetched.
    const urls = html.match(/https?:\/\/[^\s"'<>)]*/g) ?? [];
    assert.deepEqual([...new Set(urls)].sort(), ['http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg']);
    assert.doesNotMatch(html, /<script|<link|<iframe|<img|<object|<embed|@font-face/i);
  });

  it('the reference check catches an external image, a stylesheet and a CSS url()', () => {
    for (const bad of ['<img src="https://cdn.example/x.png">', '<link rel="stylesheet" href="//cdn.example/a.css">', '<style>body{background:url(http://x/y.png)}</style>']) {
      assert.ok(references(bad).some((ref) => !ref.startsWith('#')), bad);
    }
  });

  it('shows the versions, the verdict, a row per target, compatibility, consistency and latency', () => {
    for (const text of [report.model_a.version, report.model_b.version, escapeHtml(report.summary.verdict), 'Compatibility', 'Consistency', 'Latency']) {
      assert.ok(html.includes(text), text);
    }
    const targets = html.slice(html.indexOf('<h2 id="targets">'), html.indexOf('<h2 id="means">'));
    assert.equal(targets.match(/<tr\b/g)?.length, Object.keys(report.targets).length + 1);
    for (const [name, t] of Object.entries(report.targets)) {
      assert.ok(targets.includes(`<td>${name}`), name);
      assert.ok(targets.includes(t.test));
    }
    assert.equal(targets.match(/<tr class="significant">/g)?.length, report.summary.a_wins.length + report.summary.b_wins.length);
  });

  it('lists why B is not compatible', () => {
    const r = comparisonFixture();
    r.compatibility = { compatible: false, reasons: ['feature count differs: 19 vs 20'], checks: { ...r.compatibility.checks, features: false } };
    const page = renderReportHtml(r, []);
    assert.ok(page.includes('B cannot replace A'));
    assert.ok(page.includes('<li>feature count differs: 19 vs 20</li>'));
    assert.ok(!page.includes('<h2 id="charts">'), 'a page without charts has no chart section');
  });

  it('escapes every string taken from the report', async () => {
    const evil = '<script>alert("x")</script>';
    const r = comparisonFixture({ versionB: evil });
    r.model_a.source = '"><img src=x onerror=alert(1)>';
    r.summary.verdict = `B wins ${evil}`;
    r.compatibility.reasons = [`<b>bold</b> & ${evil}`];
    r.data.path = `data/${evil}.csv`;
    const page = renderReportHtml(r, await renderComparisonCharts(r));
    assert.doesNotMatch(page, /<script|<img|<b>/i);
    assert.ok(page.includes('B · &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(page.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(page.includes('&lt;b&gt;bold&lt;/b&gt; &amp; '));
  });
});
