/**
 * The dashboard's one HTTP handler, on node:http's request and response (firebase-functions v2
 * `onRequest` passes Express objects built on them): the same code behind `retrain dashboard` and
 * the `dashboard` function. Routes, all relative to where the page is mounted:
 *
 *   GET /                 the page (no data in it)
 *   GET /assets/<name>    its script and style, and the vega, vega-lite, vega-embed builds
 *   GET /api/dashboard    the dashboard data as JSON (`?days=` of trends)   — access checked
 *   GET /reports/<path>   a file under `pipeline.layout.reportsPrefix`     — access checked
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RetrainingConfig } from '../config/schema.ts';
import type { Ports } from '../ports/index.ts';
import { NotFoundError, isTransient } from '../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../shared/logger.ts';
import type { LiveRead } from '../stages/monitor/live-metrics.ts';
import { dashboardData, DASHBOARD_DEFAULTS } from '../stages/report/dashboard-data.ts';
import type { DashboardData } from '../stages/report/dashboard-schema.ts';
import { reportObjectPath } from '../stages/report/report-links.ts';
import { localAccess, type AccessPolicy } from './access.ts';
import { pageTemplate, readAsset } from './page-assets.ts';

/** A request handler as node:http and firebase-functions call it. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What the handler serves from, and to whom. */
export interface DashboardHandlerOptions {
  config: RetrainingConfig;
  /** The ports, opened on first use (a function instance opens them once). */
  ports: () => Promise<Ports>;
  /** Who may read data and reports (default: everyone — the loopback server). */
  access?: AccessPolicy;
  /** How often the page reloads its data. */
  refreshSeconds?: number;
  /** Serve the same data for this long (each computation reads a few dozen rollup documents). 0 = never reuse. */
  cacheMs?: number;
  /** How live metrics are read (default: rollups, brought up to date first; the function reads them as they are). */
  live?: LiveRead;
  log?: PipelineLogger;
}

/** Default refresh interval of the page. */
export const DEFAULT_REFRESH_SECONDS = 60;

/** Longest trend window a request may ask for. */
export const MAX_TREND_DAYS = 365;

const REPORT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  md: 'text/plain; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  png: 'image/png',
};

/** Reports are shown as documents of their own origin, with no script: they only need inline SVG and style. */
const REPORT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/**
 * The page's policy: only its own origin; vega compiles its expressions with `Function`
 * ('unsafe-eval'), vega-embed injects its style; the one inline script (which sets the page's
 * base URL) is allowed by its hash.
 */
function pageCsp(inlineScriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-eval' 'sha256-${inlineScriptHash}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Length': String(buf.length), ...headers });
  res.end(req.method === 'HEAD' ? undefined : buf);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(req, res, status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers }, JSON.stringify(value));
}

/** The page with its placeholders filled, and the hash of its inline script for the CSP. */
async function renderPage(opts: { refreshSeconds: number; access: string }): Promise<{ html: string; scriptHash: string }> {
  const html = (await pageTemplate()).replaceAll('%REFRESH_SECONDS%', String(opts.refreshSeconds)).replaceAll('%ACCESS%', opts.access);
  const inline = /<script>([\s\S]*?)<\/script>/.exec(html);
  return { html, scriptHash: createHash('sha256').update(inline?.[1] ?? '').digest('base64') };
}

function trendDays(url: URL): number | null {
  const raw = url.searchParams.get('days');
  if (raw === null) return DASHBOARD_DEFAULTS.trendDays;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= MAX_TREND_DAYS ? n : null;
}

/** Build the handler. */
export function dashboardHandler(opts: DashboardHandlerOptions): RequestHandler {
  const access = opts.access ?? localAccess;
  const log = opts.log ?? createLogger(silentSink);
  const cacheMs = opts.cacheMs ?? 0;
  const page = renderPage({ refreshSeconds: opts.refreshSeconds ?? DEFAULT_REFRESH_SECONDS, access: access.name });
  page.catch(() => {});
  const cache = new Map<number, { until: number; data: Promise<DashboardData> }>();

  async function data(days: number): Promise<DashboardData> {
    const hit = cache.get(days);
    if (hit && hit.until > Date.now()) return await hit.data;
    const fresh = opts.ports().then((ports) => dashboardData(ports, opts.config, { trendDays: days, live: opts.live }));
    if (cacheMs > 0) {
      cache.set(days, { until: Date.now() + cacheMs, data: fresh });
      fresh.catch(() => cache.delete(days));
    }
    return await fresh;
  }

  /** True when the request may read data; otherwise the refusal is sent. */
  async function allowed(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const result = await access.check(req.headers.authorization);
    if (result.allowed) return true;
    const headers: Record<string, string> = result.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="retrain-dashboard"' } : {};
    sendJson(req, res, result.status, { error: result.message }, headers);
    return false;
  }

  return async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(req, res, 405, { error: 'only GET and HEAD' }, { Allow: 'GET, HEAD' });
      const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
      const segments = url.pathname.split('/').slice(1);
      if (url.pathname === '/') {
        const { html, scriptHash } = await page;
        return send(req, res, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': pageCsp(scriptHash) }, html);
      }
      if (segments[0] === 'assets' && segments.length === 2) {
        const asset = await readAsset(segments[1]);
        if (!asset) return sendJson(req, res, 404, { error: 'no such asset' });
        return send(req, res, 200, { 'Content-Type': asset.type, 'Cache-Control': asset.cacheControl }, asset.body);
      }
      if (url.pathname === '/api/dashboard') {
        if (!(await allowed(req, res))) return;
        const days = trendDays(url);
        if (days === null) return sendJson(req, res, 400, { error: `days must be a whole number from 1 to ${MAX_TREND_DAYS}` });
        return sendJson(req, res, 200, await data(days));
      }
      if (segments[0] === 'reports') {
        if (!(await allowed(req, res))) return;
        const objectPath = reportObjectPath(opts.config, segments.slice(1));
        const body = objectPath ? await (await opts.ports()).artifacts.get(objectPath).catch((err: unknown) => (err instanceof NotFoundError ? null : Promise.reject(err))) : null;
        if (!objectPath || !body) return sendJson(req, res, 404, { error: 'no such report' });
        const ext = objectPath.slice(objectPath.lastIndexOf('.') + 1).toLowerCase();
        const headers = { 'Content-Type': REPORT_TYPES[ext] ?? 'application/octet-stream', 'Cache-Control': 'private, no-cache', 'Content-Security-Policy': REPORT_CSP };
        return send(req, res, 200, headers, body);
      }
      return sendJson(req, res, 404, { error: 'not found' });
    } catch (err) {
      log.stageFailed('report', err, { path: req.url });
      if (!res.headersSent) sendJson(req, res, isTransient(err) ? 503 : 500, { error: isTransient(err) ? 'temporarily unavailable; try again' : 'internal error' });
      else res.destroy();
    }
  };
}
