/**
 * The loopback web server of `retrain dashboard`: node:http around the dashboard handler. It binds
 * 127.0.0.1 unless told otherwise — it has no sign-in, so anyone who can reach the port can read
 * the dashboard.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from './handler.ts';

/** The default address: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';
/** The default port. */
export const DEFAULT_PORT = 8080;

/** A running server. */
export interface DashboardServer {
  server: Server;
  /** `http://host:port/` (the bound port, also when 0 asked for a free one). */
  url: string;
  close(): Promise<void>;
}

/** True for an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Start serving; resolves once the port is bound. */
export async function startDashboardServer(handler: RequestHandler, opts: { host?: string; port?: number } = {}): Promise<DashboardServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shown}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
