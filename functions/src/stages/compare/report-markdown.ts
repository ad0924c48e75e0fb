/**
 * The comparison as a short Markdown summary — verdict, one table row per target, compatibility,
 * latency — for a pull request, a chat message or a terminal. Strings taken from the report are
 * escaped so that a version name or a reason cannot break a table or inject markup.
 */
import type { ComparisonReport } from './comparison-report.ts';
import { correctionName, formatMs, targetRows, versionLabels, winnerText } from './report-format.ts';

/**
 * Escape text for inline Markdown: the punctuation that starts emphasis, code, links, raw HTML,
 * strikethrough or a table cell; `_` only at a word boundary (inside a word, as in
 * `v_20261128_020000`, it is literal in CommonMark, and the raw file stays readable); a leading
 * list, heading or quote marker; and line breaks.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
    .replace(/^(\s*)([-+#])(?=\s|$)/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
}

const md = escapeMarkdown;

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** The short Markdown summary of a report. */
export function renderReportMarkdown(report: ComparisonReport): string {
  const labels = versionLabels(report);
  const lines: string[] = [];
  lines.push(`# Model comparison: ${md(labels.a)} vs ${md(labels.b)}`, '');
  lines.push(`**Winner: ${md(winnerText(report.summary.winner, labels))}.** ${md(report.summary.verdict)}`, '');
  lines.push(
    `${report.rows} rows of \`${report.data.path.replace(/`/g, "'")}\`; α = ${report.alpha}, ${md(correctionName(report))}-corrected across ${Object.keys(report.targets).length} targets; compared ${md(report.createdAt)}.`,
    '',
  );

  lines.push('## Targets', '');
  lines.push(row(['Target', 'Metric', md(labels.a), md(labels.b), 'B − A', 'Interval', 'Test', 'p', 'Adjusted p', 'Winner']));
  lines.push(row(['---', '---', '---:', '---:', '---:', '---', '---', '---:', '---:', '---']));
  for (const r of targetRows(report)) {
    const winner = r.significant === 'yes' ? `**${md(r.winner)}**` : md(r.winner);
    lines.push(row([md(r.title), md(r.metric), r.a, r.b, r.diff, r.interval, md(r.test), md(r.p), md(r.pAdjusted), winner]));
  }
  lines.push('');

  const { compatible, reasons } = report.compatibility;
  lines.push('## Compatibility', '');
  lines.push(compatible ? 'B can replace A behind the serving code.' : '**B cannot replace A behind the serving code.**');
  if (reasons.length > 0) lines.push('', ...reasons.map((r) => `- ${md(r)}`));
  lines.push('');

  const { a, b } = report.latency;
  lines.push('## Latency', '');
  lines.push(row(['', md(labels.a), md(labels.b)]));
  lines.push(row(['---', '---:', '---:']));
  lines.push(row(['Median, 1,000 rows', formatMs(a.p50MsPer1k), formatMs(b.p50MsPer1k)]));
  lines.push(row(['95th percentile, 1,000 rows', formatMs(a.p95MsPer1k), formatMs(b.p95MsPer1k)]));
  lines.push(row(['Median, one row', formatMs(a.p50MsPerRow), formatMs(b.p50MsPerRow)]));
  lines.push('');
  return lines.join('\n');
}
