/**
 * The comparison as one self-contained HTML page: every chart an inline SVG, the style inline,
 * no script, no font and no URL to fetch, so the file opens the same from a bucket download, an
 * e-mail attachment or an air-gapped laptop. Every string taken from the report is escaped; the
 * charts' SVG comes from Vega, which escapes the text it draws.
 */
import type { Chart } from './charts.ts';
import type { ComparedModel, ComparisonReport } from './comparison-report.ts';
import { correctionName, formatMetric, formatMs, formatShare, targetRows, targetTitle, versionLabels, winnerText, type VersionLabels } from './report-format.ts';
import { COLOR_A, COLOR_B } from './chart-theme.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `
:root { color-scheme: light; --a: ${COLOR_A}; --b: ${COLOR_B}; --muted: #555; --line: #d8d8d8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px 32px 48px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1d; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); }
.versions { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; margin: 16px 0; }
.version { border: 1px solid var(--line); border-left: 6px solid var(--a); border-radius: 6px; padding: 10px 14px; }
.version.b { border-left-color: var(--b); }
.version h3 { margin: 0 0 4px; font-size: 16px; overflow-wrap: anywhere; }
.version dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; font-size: 14px; }
.version dt { color: var(--muted); }
.version dd { margin: 0; overflow-wrap: anywhere; }
.verdict { border-radius: 6px; padding: 12px 16px; background: #f3f3f3; font-size: 16px; }
.verdict.winner-a { background: #e8eff7; }
.verdict.winner-b { background: #fdf0e3; }
table { border-collapse: collapse; font-size: 13.5px; margin: 8px 0; }
.wide { overflow-x: auto; }
td.nowrap { white-space: nowrap; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.significant td { font-weight: 600; }
.win-a { color: var(--a); }
.win-b { color: #c05f00; }
.ok { color: #1a7f37; }
.bad { color: #b42318; }
nav ol { columns: 2; margin: 4px 0; }
figure { margin: 24px 0; padding: 0; }
figure svg { display: block; max-width: 100%; height: auto; }
footer { margin-top: 40px; font-size: 13px; color: var(--muted); }
`;

const h = escapeHtml;

function versionCard(side: 'a' | 'b', model: ComparedModel, label: string): string {
  const rows: [string, string | null][] = [
    ['Asked for', model.ref],
    ['Read from', model.source],
    ['Created', model.createdAt],
    ['Strategy', model.strategy],
  ];
  const items = rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${v === null ? '<span class="muted">unknown</span>' : h(v)}</dd>`).join('');
  return `<div class="version ${side}"><h3>${h(label)}</h3><dl>${items}</dl></div>`;
}

function verdictSection(report: ComparisonReport, labels: VersionLabels): string {
  const { summary } = report;
  const wins = (side: string, targets: string[]) =>
    targets.length > 0 ? `<li>${h(side)} is significantly better on ${targets.map((t) => `<code>${h(t)}</code>`).join(', ')}</li>` : '';
  return `<section aria-labelledby="verdict"><h2 id="verdict">Verdict</h2>
<div class="verdict winner-${h(summary.winner)}"><strong>Winner: ${h(winnerText(summary.winner, labels))}.</strong> ${h(summary.verdict)}</div>
<ul>${wins(labels.b, summary.b_wins)}${wins(labels.a, summary.a_wins)}</ul></section>`;
}

function targetTable(report: ComparisonReport, labels: VersionLabels): string {
  const head = ['Target', 'Metric', 'A', 'B', 'B − A', 'Interval of B − A', 'Test', 'p', 'Adjusted p', 'Significant', 'Winner'];
  const body = targetRows(report)
    .map((r) => {
      const t = report.targets[r.target];
      const winClass = t.winner === 'none' ? '' : ` class="win-${t.winner}"`;
      return `<tr${t.significant ? ' class="significant"' : ''}><td>${h(r.title)}</td><td>${h(r.metric)}</td><td class="num">${h(r.a)}</td><td class="num">${h(r.b)}</td><td class="num">${h(r.diff)}</td><td class="num">${h(r.interval)}</td><td class="nowrap">${h(r.test)}</td><td class="num">${h(r.p)}</td><td class="num">${h(r.pAdjusted)}</td><td>${h(r.significant)}</td><td${winClass}>${t.winner === 'none' ? '—' : t.winner.toUpperCase()}</td></tr>`;
    })
    .join('\n');
  return `<section aria-labelledby="targets"><h2 id="targets">Targets</h2>
<p class="muted">A is ${h(labels.a)}, B is ${h(labels.b)}. Accuracy (higher is better) for the classifiers, RMSE (lower is better) for the CSS variables; α = ${h(String(report.alpha))}, ${h(correctionName(report))}-corrected across ${Object.keys(report.targets).length} targets.</p>
<div class="wide"><table><thead><tr>${head.map((c) => `<th scope="col">${h(c)}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table></div></section>`;
}

function meansTable(report: ComparisonReport, labels: VersionLabels): string {
  const rows: [string, number, number][] = [
    ['Mean accuracy (classifiers)', report.means.a.meanAccuracy, report.means.b.meanAccuracy],
    ['Mean log loss (classifiers)', report.means.a.meanLogloss, report.means.b.meanLogloss],
    ['Mean RMSE (CSS variables)', report.means.a.meanRmse, report.means.b.meanRmse],
  ];
  const body = rows.map(([k, a, b]) => `<tr><th scope="row">${h(k)}</th><td class="num">${formatMetric(a)}</td><td class="num">${formatMetric(b)}</td></tr>`).join('');
  return `<table><thead><tr><th></th><th scope="col">${h(labels.a)}</th><th scope="col">${h(labels.b)}</th></tr></thead><tbody>${body}</tbody></table>`;
}

function compatibilitySection(report: ComparisonReport): string {
  const { compatible, reasons, checks } = report.compatibility;
  const checkList = Object.entries(checks)
    .map(([name, ok]) => `<li><span class="${ok ? 'ok' : 'bad'}">${ok ? '✓' : '✗'}</span> ${h(name)}</li>`)
    .join('');
  const why = reasons.length > 0 ? `<p>Reasons:</p><ul>${reasons.map((r) => `<li>${h(r)}</li>`).join('')}</ul>` : '';
  return `<section aria-labelledby="compatibility"><h2 id="compatibility">Compatibility</h2>
<p class="${compatible ? 'ok' : 'bad'}"><strong>${compatible ? 'B can replace A behind the serving code.' : 'B cannot replace A behind the serving code.'}</strong></p>
<ul>${checkList}</ul>${why}</section>`;
}

function consistencySection(report: ComparisonReport): string {
  const body = Object.entries(report.consistency)
    .map(([target, c]) => {
      const changed = c.changedShare === null ? '—' : formatShare(c.changedShare);
      const meanAbs = c.meanAbsDiff === null ? '—' : formatMetric(c.meanAbsDiff);
      return `<tr><td>${h(targetTitle(target))}</td><td class="num">${changed}</td><td class="num">${meanAbs}</td><td class="num">${c.rows}</td></tr>`;
    })
    .join('\n');
  return `<section aria-labelledby="consistency"><h2 id="consistency">Consistency</h2>
<p class="muted">How often the two versions disagree on the same row: the share of rows whose predicted class changes, or the mean absolute difference of the two predictions.</p>
<table><thead><tr><th scope="col">Target</th><th scope="col">Rows with another class</th><th scope="col">Mean |B − A|</th><th scope="col">Rows</th></tr></thead><tbody>
${body}
</tbody></table></section>`;
}

function latencySection(report: ComparisonReport, labels: VersionLabels): string {
  const { a, b } = report.latency;
  const rows: [string, string, string][] = [
    ['Median, 1,000 rows', formatMs(a.p50MsPer1k), formatMs(b.p50MsPer1k)],
    ['95th percentile, 1,000 rows', formatMs(a.p95MsPer1k), formatMs(b.p95MsPer1k)],
    ['Median, one row', formatMs(a.p50MsPerRow), formatMs(b.p50MsPerRow)],
    ['Repeats', String(a.repeats), String(b.repeats)],
  ];
  const body = rows.map(([k, x, y]) => `<tr><th scope="row">${h(k)}</th><td class="num">${x}</td><td class="num">${y}</td></tr>`).join('');
  return `<section aria-labelledby="latency"><h2 id="latency">Latency</h2>
<p class="muted">Warm prediction time with every model of the version, scaling included.</p>
<table><thead><tr><th></th><th scope="col">${h(labels.a)}</th><th scope="col">${h(labels.b)}</th></tr></thead><tbody>${body}</tbody></table></section>`;
}

function chartsSection(charts: Chart[]): string {
  if (charts.length === 0) return '';
  const nav = charts.map((c) => `<li><a href="#figure-${c.kind}">${h(c.title)}</a></li>`).join('');
  // The SVG draws its own title; the figure carries it as its accessible name.
  const figures = charts.map((c) => `<figure id="figure-${c.kind}" aria-label="${h(c.title)}">\n${c.svg}\n</figure>`).join('\n');
  return `<section aria-labelledby="charts"><h2 id="charts">Charts</h2><nav><ol>${nav}</ol></nav>\n${figures}</section>`;
}

/** The report as one HTML page that needs nothing but itself (no script, font or network). */
export function renderReportHtml(report: ComparisonReport, charts: Chart[]): string {
  const labels = versionLabels(report);
  const title = `Model comparison: ${labels.a} vs ${labels.b}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Model comparison</h1>
<p class="muted">${h(report.data.path)} · ${report.rows} rows · sha256 <code>${h(report.data.sha256.slice(0, 12))}</code> · compared ${h(report.createdAt)}</p>
<div class="versions">${versionCard('a', report.model_a, labels.a)}${versionCard('b', report.model_b, labels.b)}</div>
</header>
<main>
${verdictSection(report, labels)}
${targetTable(report, labels)}
<section aria-labelledby="means"><h2 id="means">Means over targets</h2>${meansTable(report, labels)}</section>
${compatibilitySection(report)}
${consistencySection(report)}
${latencySection(report, labels)}
${chartsSection(charts)}
</main>
<footer>Comparison report, schema version ${report.schemaVersion}; paired bootstrap with ${report.bootstrap.resamples} resamples (seed ${report.bootstrap.seed}); ${h(correctionName(report))} correction at α = ${h(String(report.alpha))}.</footer>
</body>
</html>
`;
}
