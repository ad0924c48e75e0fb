/**
 * Exporting a comparison: the files described in `comparison-report.ts` — the charts, the HTML
 * page, the Markdown summary, and `comparison.json` last, so that a reader who finds the JSON
 * finds everything it lists. Safe to run twice: every file is replaced with the same content,
 * and a page or chart an earlier export wrote but this one does not (an export without plots
 * after one with) is removed, so the folder never holds charts of another report.
 */
import { CHART_KINDS, renderComparisonCharts, type ChartOptions } from './charts.ts';
import { ComparisonReportSchema, type ComparisonReport } from './comparison-report.ts';
import { openReportSink, type ReportDestination } from './report-destination.ts';
import { renderReportHtml } from './report-html.ts';
import { renderReportMarkdown } from './report-markdown.ts';

/** File names inside an export. */
export const REPORT_FILES = {
  json: 'comparison.json',
  html: 'report.html',
  markdown: 'summary.md',
  chart: (kind: string) => `charts/${kind}.svg`,
} as const;

/** Options of an export. */
export interface ExportOptions extends ChartOptions {
  /** Render the charts and the HTML page (the JSON and the Markdown summary are always written). */
  plots: boolean;
}

/** Write a report's files to a folder or a bucket prefix; returns the report with `report` filled with their paths. */
export async function exportComparisonReport(report: ComparisonReport, dest: ReportDestination, opts: ExportOptions): Promise<ComparisonReport> {
  const sink = openReportSink(dest);
  const charts = opts.plots ? await renderComparisonCharts(report, { onWarning: opts.onWarning }) : [];
  const written = new Set<string>();
  const write = async (name: string, data: string, contentType: string) => {
    await sink.write(name, data, contentType);
    written.add(name);
  };

  for (const chart of charts) await write(REPORT_FILES.chart(chart.kind), chart.svg, 'image/svg+xml');
  if (opts.plots) await write(REPORT_FILES.html, renderReportHtml(report, charts), 'text/html; charset=utf-8');
  await write(REPORT_FILES.markdown, renderReportMarkdown(report), 'text/markdown; charset=utf-8');

  const ours = [REPORT_FILES.html, ...CHART_KINDS.map(REPORT_FILES.chart)];
  for (const stale of ours.filter((name) => !written.has(name))) await sink.remove(stale);

  const exported = ComparisonReportSchema.parse({
    ...report,
    report: {
      dir: sink.location,
      json: sink.locate(REPORT_FILES.json),
      html: opts.plots ? sink.locate(REPORT_FILES.html) : null,
      markdown: sink.locate(REPORT_FILES.markdown),
      charts: charts.map((c) => sink.locate(REPORT_FILES.chart(c.kind))),
    },
  });
  await write(REPORT_FILES.json, `${JSON.stringify(exported, null, 2)}\n`, 'application/json');
  return exported;
}
