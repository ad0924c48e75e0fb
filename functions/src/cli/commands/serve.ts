/**
 * `retrain serve`: the predict endpoint on this machine — the same handler as the `predict`
 * function (`POST /predict`, `GET /healthz`) over the configured store (the embedded one by
 * default), until Ctrl-C.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import { listen } from '../../serving/http-server.ts';
import { openModelServer } from '../../serving/open-server.ts';
import { describeError } from '../../shared/errors.ts';
import { consoleSink, createLogger } from '../../shared/logger.ts';
import { createOutput } from '../output.ts';
import { storeOptions, type StoreFlags } from '../options.ts';
import { cliActor } from './deploy.ts';

interface ServeFlags extends StoreFlags {
  port: number;
  host: string;
}

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be an integer 0…65535 (0: any free port)');
  return n;
}

/** Register the command. */
export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Serve predictions over HTTP from the store\'s current and canary versions (POST /predict, GET /healthz)')
    .option('--port <n>', 'TCP port (0: any free port)', portArg, 8080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1');
  storeOptions(cmd, { json: 'print one JSON line with the address once listening' })
    .addHelpText(
      'after',
      [
        '',
        'The serving state (models/current.json) is re-read at most every serving.stateRefreshSeconds;',
        'a damaged version is served around and the fallback recorded as a rollback.',
        '',
        'Examples:',
        '  retrain serve',
        '  retrain serve --port 9000 --host 0.0.0.0',
        '  curl -s localhost:8080/predict -d \'{"user_id":"u1","context":{"viewport_width":1280,"viewport_height":800,"device_pixel_ratio":1,"device_class":"desktop","input_modality":"mouse","local_hour":21.5,"local_weekday":3,"locale":"en-GB","text_direction":"ltr","prefers_color_scheme":"dark","prefers_reduced_motion":false,"prefers_contrast":"no-preference","previous_sessions":12}}\'',
        '  curl -s localhost:8080/healthz',
      ].join('\n'),
    )
    .action(async (flags: ServeFlags) => {
      const out = createOutput({ json: flags.json });
      const { config } = loadConfig(flags.config);
      const ports = await openPorts(config, { backend: flags.backend, root: flags.root });
      const log = createLogger(consoleSink());
      const { server, handler } = openModelServer(ports, config, { actor: { ...cliActor(), id: `serve:${cliActor().id}` }, log });
      const listening = await listen(handler, server, { port: flags.port, host: flags.host, onError: (err) => log.warning('serve', `request failed: ${describeError(err)}`) });
      await server.snapshot().catch(() => undefined);
      const h = server.health();
      out.result(
        { status: 'listening', url: listening.url, store: ports.artifacts.root, serving: h.serving, state: h.state },
        () => `serving ${ports.artifacts.root} on ${listening.url} — POST /predict, GET /healthz (stable ${h.serving.stable ?? 'none: default stylesheet'}${h.serving.canary ? `, canary ${h.serving.canary} ${h.state.canary?.percentage} %` : ''}); Ctrl-C stops`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await listening.close();
      await closePorts(ports);
    });
}
