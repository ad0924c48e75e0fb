/**
 * The one HTTP handler of the serving path, shared by the `predict` function (v2 `onRequest`,
 * Express request/response) and `retrain serve` (node:http): `POST /predict` (also `POST /`, the
 * function's own URL) with `{ "user_id": …, "context": {…} }` answers the `served` block the web
 * app logs verbatim; `GET /healthz` reports the serving state and the versions in memory.
 * Bad input is a 400 naming the field path, a body over `serving.maxBodyBytes` a 413; a failure
 * while predicting still answers 200 with the default stylesheet — the page never breaks.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { ContextSchema } from '../data/log-schema.ts';
import { defaultServed } from './default-stylesheet.ts';
import type { ModelServer } from './model-server.ts';

/** `POST /predict` body. */
export const PredictRequestSchema = z.object({
  user_id: z.string().min(1).max(128),
  context: ContextSchema,
});

/** What the handler reads of a request (node:http IncomingMessage, or Express's with `rawBody`). */
export interface HttpRequest extends AsyncIterable<Buffer | string> {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  /** The body as received (Firebase functions set it before the handler runs). */
  rawBody?: Buffer;
  /** Stream events (node:http); without them the body is read by iterating the request. */
  on?(event: string, listener: (...args: any[]) => void): unknown;
}

/** What the handler uses of a response (node:http ServerResponse, Express's Response). */
export interface HttpResponse {
  statusCode: number;
  setHeader(name: string, value: string | number): unknown;
  end(body?: string): unknown;
}

/** Options of the handler. */
export interface HandlerOptions {
  maxBodyBytes: number;
  /** Told about a failure the client never sees (it got the default stylesheet). */
  onError?: (err: unknown) => void;
}

/** A request handler for node:http and Express-like frameworks. */
export type ServingHandler = (req: HttpRequest, res: HttpResponse) => Promise<void>;

class TooLarge extends Error {}

function send(res: HttpResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Access-Control-Allow-Origin', '*');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(JSON.stringify(body));
}

async function readBody(req: HttpRequest, max: number): Promise<Buffer> {
  if (req.rawBody) {
    if (req.rawBody.length > max) throw new TooLarge();
    return req.rawBody;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  const add = (chunk: Buffer | string) => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > max) throw new TooLarge();
    chunks.push(b);
  };
  if (req.on) {
    // Stream events: a node:http request's async iterator costs more than the whole prediction.
    const on = req.on.bind(req);
    await new Promise<void>((resolve, reject) => {
      on('data', (chunk: Buffer | string) => {
        try {
          add(chunk);
        } catch (err) {
          reject(err);
        }
      });
      on('end', () => resolve());
      on('error', (err: Error) => reject(err));
    });
  } else for await (const chunk of req) add(chunk);
  return Buffer.concat(chunks);
}

/** `context.viewport_width`-style path of an issue. */
function pathOf(path: readonly PropertyKey[]): string {
  return path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replaceAll('.[', '[') : '(body)';
}

/**
 * The answer when no server could be built (the store unreachable at start-up): the default
 * stylesheet for a session, 503 for the health check — still never an error page for a user.
 */
export function answerWithoutServer(req: Pick<HttpRequest, 'method' | 'url'>, res: HttpResponse, problem: string): void {
  const route = new URL(req.url ?? '/', 'http://serving.invalid').pathname.replace(/\/+$/, '') || '/';
  if (route === '/healthz') return send(res, 503, { status: 'unavailable', problem });
  send(res, 200, defaultServed());
}

/** Build the handler over a server. */
export function createServingHandler(server: ModelServer, opts: HandlerOptions): ServingHandler {
  return async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const route = new URL(req.url ?? '/', 'http://serving.invalid').pathname.replace(/\/+$/, '') || '/';
    if (method === 'OPTIONS') {
      res.statusCode = 204;
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '3600');
      return void res.end();
    }
    if (route === '/healthz') {
      if (method !== 'GET') return send(res, 405, { error: 'method_not_allowed', allow: 'GET' }, { Allow: 'GET' });
      await server.snapshot().catch((err) => opts.onError?.(err));
      return send(res, 200, server.health());
    }
    if (route !== '/predict' && route !== '/') return send(res, 404, { error: 'not_found', routes: ['POST /predict', 'GET /healthz'] });
    if (method !== 'POST') return send(res, 405, { error: 'method_not_allowed', allow: 'POST' }, { Allow: 'POST' });

    let body: Buffer;
    try {
      body = await readBody(req, opts.maxBodyBytes);
    } catch (err) {
      if (err instanceof TooLarge) return send(res, 413, { error: 'body_too_large', limitBytes: opts.maxBodyBytes }, { Connection: 'close' });
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return send(res, 400, { error: 'invalid_json', message: 'the body is not valid JSON' });
    }
    const parsed = PredictRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
      return send(res, 400, { error: 'invalid_request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues });
    }
    try {
      return send(res, 200, await server.predict(parsed.data.user_id, parsed.data.context));
    } catch (err) {
      opts.onError?.(err);
      return send(res, 200, defaultServed());
    }
  };
}
