/**
 * The serving handler on a node:http server (`retrain serve`, the benchmark): listen, report the
 * address, and close cleanly — stop accepting, let requests in flight finish, wait for fallbacks
 * being recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServingHandler } from './http-handler.ts';
import type { ModelServer } from './model-server.ts';

/** A listening server. */
export interface ListeningServer {
  url: string;
  port: number;
  host: string;
  server: Server;
  close(): Promise<void>;
}

/** Listen on `host:port` (port 0: any free port) with the serving handler. */
export async function listen(handler: ServingHandler, model: ModelServer, opts: { port: number; host: string; onError?: (err: unknown) => void }): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    handler(req, res).catch((err) => {
      opts.onError?.(err);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    host: addr.address,
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await model.idle();
    },
  };
}
