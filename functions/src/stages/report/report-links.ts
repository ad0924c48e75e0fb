/**
 * Links between the dashboard and the reports in the bucket. Reports live under
 * `pipeline.layout.reportsPrefix` (`reports/<runId>/report.html`, beside `comparison.json`); the
 * page reaches them at the page-relative URL `reports/<path under the prefix>`, and the server maps
 * such a URL back to exactly one object under the prefix — nothing else in the bucket is reachable.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { checkObjectPath } from '../../adapters/object-paths.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';

/** URL path segment under which the page links reports. */
export const REPORTS_ROUTE = 'reports';

/** File name of a run's human-readable report inside its report folder. */
export const REPORT_HTML = 'report.html';

function prefixOf(config: RetrainingConfig): string {
  return config.pipeline.layout.reportsPrefix.replace(/^\/+|\/+$/g, '');
}

/** Bucket path of a run's HTML report. */
export function runReportPath(config: RetrainingConfig, runId: string): string {
  return `${prefixOf(config)}/${runId}/${REPORT_HTML}`;
}

/** Page-relative URL of a bucket object, or null when the object is not under the reports prefix. */
export function reportUrl(config: RetrainingConfig, objectPath: string): string | null {
  const prefix = `${prefixOf(config)}/`;
  if (!objectPath.startsWith(prefix) || objectPath.length === prefix.length || !isObjectPath(objectPath)) return null;
  return `${REPORTS_ROUTE}/${objectPath.slice(prefix.length).split('/').map(encodeURIComponent).join('/')}`;
}

function isObjectPath(objectPath: string): boolean {
  try {
    checkObjectPath(objectPath);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bucket path behind the segments of a `/reports/...` URL path (still percent-encoded, as
 * split from the URL's pathname), or null when they do not name a valid object under the prefix:
 * an encoded `/` or `\`, a `.`/`..` segment, an empty segment or a control character.
 */
export function reportObjectPath(config: RetrainingConfig, encodedSegments: readonly string[]): string | null {
  if (!encodedSegments.length) return null;
  let segments: string[];
  try {
    segments = encodedSegments.map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments.some((s) => s.includes('/'))) return null;
  const objectPath = `${prefixOf(config)}/${segments.join('/')}`;
  return isObjectPath(objectPath) ? objectPath : null;
}

/**
 * The report a deployment links to: the HTML page beside its `comparison.json` when it exists,
 * else the file itself; null when the path is outside the reports prefix or nothing is there.
 */
export async function deploymentReportUrl(store: ArtifactStore, config: RetrainingConfig, reportPath: string | null): Promise<string | null> {
  if (!reportPath || !reportUrl(config, reportPath)) return null;
  const html = `${reportPath.slice(0, reportPath.lastIndexOf('/') + 1)}${REPORT_HTML}`;
  if (html !== reportPath && reportUrl(config, html) && (await store.exists(html))) return reportUrl(config, html);
  return (await store.exists(reportPath)) ? reportUrl(config, reportPath) : null;
}
