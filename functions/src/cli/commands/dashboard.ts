/**
 * `retrain dashboard`: serve the dashboard page and `/api/dashboard` on this machine, over the
 * configured store (the embedded one by default), until interrupted. It binds 127.0.0.1: the
 * loopback server has no sign-in (the deployed `dashboard` function has).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import { dashboardHandler, DEFAULT_REFRESH_SECONDS } from '../../dashboard/handler.ts';
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback, startDashboardServer } from '../../dashboard/server.ts';
import { consoleSink, createLogger } from '../../shared/logger.ts';
import { parsePositiveInt, storeOptions, type StoreFlags } from '../options.ts';
import { createOutput } from '../output.ts';

/** Flags of `retrain dashboard`. */
interface DashboardFlags extends StoreFlags {
  port: number;
  host: string;
  refresh: number;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0 picks a free one)');
  return n;
}

/** Register the command. */
export function registerDashboard(program: Command): void {
  storeOptions(program.command('dashboard').description('Serve the retraining dashboard (page + /api/dashboard) on this machine'), {
    json: 'print the address as JSON once listening',
  })
    .option('--port <n>', 'TCP port (0: a free one)', parsePort, DEFAULT_PORT)
    .option('--host <address>', 'address to bind; anything but loopback exposes the dashboard without sign-in', DEFAULT_HOST)
    .option('--refresh <seconds>', 'how often the page reloads its data', parsePositiveInt, DEFAULT_REFRESH_SECONDS)
    .addHelpText('after', '\nExamples:\n  retrain dashboard                 # http://127.0.0.1:8080/\n  retrain dashboard --port 9000 --refresh 30\n  retrain dashboard --backend cloud # the Firestore/Cloud Storage deployment, read with your credentials')
    .action(async (flags: DashboardFlags) => {
      const { config } = loadConfig(flags.config);
      const out = createOutput({ json: flags.json });
      const ports = await openPorts(config, { backend: flags.backend, ...(flags.root ? { root: flags.root } : {}) });
      const log = createLogger(out.json ? () => {} : consoleSink());
      const handler = dashboardHandler({ config, ports: async () => ports, refreshSeconds: flags.refresh, log });
      const server = await startDashboardServer(handler, { host: flags.host, port: flags.port }).catch(async (err) => {
        await closePorts(ports);
        throw err;
      });
      // Listen for the stop signals before saying where we are: a caller may stop us as soon as it knows.
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      if (!isLoopback(flags.host)) out.warn(`listening on ${flags.host}: anyone who can reach this address can read the dashboard (there is no sign-in)`);
      out.result({ url: server.url, store: ports.artifacts.root }, () => `Dashboard at ${server.url} (store ${ports.artifacts.root}); Ctrl-C stops it.`);
      await stopped;
      await server.close();
      await closePorts(ports);
    });
}
