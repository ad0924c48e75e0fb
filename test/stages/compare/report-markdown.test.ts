import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeMarkdown, renderReportMarkdown } from '../../../functions/src/stages/compare/report-markdown.ts';
import { comparisonFixture } from './comparison-fixture.ts';

/** The cells of a Markdown table row, split on pipes that are not escaped. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function section(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  assert.ok(start >= 0, `no ${heading} section`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('renderReportMarkdown', () => {
  const report = comparisonFixture();
  const md = renderReportMarkdown(report);

  it('starts with both versions and the verdict', () => {
    const [title, , verdict] = md.split('\n');
    assert.ok(title.startsWith('# ') && title.includes(report.model_a.version) && title.includes(report.model_b.version), title);
    assert.ok(verdict.includes('Winner: none') && verdict.includes('B is significantly better on 3 targets'), verdict);
  });

  it('has a table with one row per target and the same number of cells in every row', () => {
    const rows = section(md, 'Targets').filter((l) => l.startsWith('|'));
    assert.equal(rows.length, 2 + Object.keys(report.targets).length);
    const width = cells(rows[0]).length;
    for (const row of rows) assert.equal(cells(row).length, width, row);
    const winners = rows.slice(2).filter((r) => r.includes('**'));
    assert.equal(winners.length, report.summary.a_wins.length + report.summary.b_wins.length);
  });

  it('says whether B is compatible, with the reasons when it is not', () => {
    assert.deepEqual(section(md, 'Compatibility').filter(Boolean), ['B can replace A behind the serving code.']);
    const r = comparisonFixture();
    r.compatibility = { compatible: false, reasons: ['labels of css_class_theme differ', 'objective of css_var_0 differs'], checks: { ...r.compatibility.checks, labels: false } };
    const lines = section(renderReportMarkdown(r), 'Compatibility').filter(Boolean);
    assert.deepEqual(lines, ['**B cannot replace A behind the serving code.**', '- labels of css_class_theme differ', '- objective of css_var_0 differs']);
  });

  it('has the latency of both versions', () => {
    const rows = section(md, 'Latency').filter((l) => l.startsWith('|'));
    assert.equal(rows.length, 5);
    assert.deepEqual(cells(rows[2]), ['Median, 1,000 rows', '4.21 ms', '4.48 ms']);
  });

  it('keeps the tables intact when a version name holds pipes, markup or a line break', () => {
    const evil = 'v|1 <b>x</b>\n| injected |';
    const out = renderReportMarkdown(comparisonFixture({ versionB: evil }));
    assert.doesNotMatch(out, /<b>/);
    const rows = section(out, 'Targets').filter((l) => l.startsWith('|'));
    assert.equal(rows.length, 2 + 11);
    for (const row of rows) assert.equal(cells(row).length, 10, row);
  });
});

describe('escapeMarkdown', () => {
  const cases: [string, string][] = [
    ['v_20261128_020000', 'v_20261128_020000'],
    ['_lead and trail_', '\\_lead and trail\\_'],
    ['a|b', 'a\\|b'],
    ['<img src=x>', '\\<img src=x\\>'],
    ['*bold* `code` [link](x) ~~gone~~', '\\*bold\\* \\`code\\` \\[link\\](x) \\~\\~gone\\~\\~'],
    ['AT&T', 'AT&amp;T'],
    ['two\nlines', 'two lines'],
    ['- not a list', '\\- not a list'],
    ['1. not a list', '1\\. not a list'],
    ['2) not a list', '2\\) not a list'],
    ['# not a heading', '\\# not a heading'],
    ['0.004', '0.004'],
  ];
  for (const [input, expected] of cases) {
    it(`escapes ${JSON.stringify(input)}`, () => {
      assert.equal(escapeMarkdown(input), expected);
    });
  }
});
