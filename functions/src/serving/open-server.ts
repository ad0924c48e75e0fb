/**
 * A serving path wired to a store: the model server over the configured registry, with damaged
 * versions recorded as rollbacks (stages/deploy/damaged.ts) and state problems logged, and its
 * HTTP handler. The `predict` function, `retrain serve`, the simulator and the benchmark open it
 * the same way.
 */
import type { RetrainingConfig } from '../config/schema.ts';
import { ModelRegistry } from '../models/registry.ts';
import type { Ports } from '../ports/index.ts';
import { describeError } from '../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../shared/logger.ts';
import type { Actor } from '../stages/deploy/deployment-record.ts';
import { recordFallback } from '../stages/deploy/damaged.ts';
import { createServingHandler, type ServingHandler } from './http-handler.ts';
import { ModelServer } from './model-server.ts';

/** Options of `openModelServer`. */
export interface OpenServerOptions {
  /** Who records a fallback (`{ kind: 'function', id: 'predict' }`, `{ kind: 'cli', id: 'serve' }`). */
  actor: Actor;
  log?: PipelineLogger;
  /** Override `serving.stateRefreshSeconds` (tests, the simulator). */
  refreshSeconds?: number;
}

/** The model server of a store and its HTTP handler. */
export function openModelServer(ports: Pick<Ports, 'artifacts' | 'records' | 'clock'>, config: RetrainingConfig, opts: OpenServerOptions): { server: ModelServer; handler: ServingHandler } {
  const log = opts.log ?? createLogger(silentSink);
  const server = new ModelServer({
    registry: new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix),
    refreshMs: (opts.refreshSeconds ?? config.serving.stateRefreshSeconds) * 1000,
    maxVersions: config.serving.maxCachedVersions,
    onFallback: (event) =>
      recordFallback(ports, config, event, opts.actor, log).catch((err) => log.warning('serve', `recording the fallback from ${event.version} failed: ${describeError(err)}`, { version: event.version })),
    onStateProblem: (problem) => log.warning('serve', `the serving state is unreadable: ${problem}; serving the last state read (or the default stylesheet)`, { problem }),
  });
  const handler = createServingHandler(server, {
    maxBodyBytes: config.serving.maxBodyBytes,
    onError: (err) => log.warning('serve', `answered the default stylesheet after an error: ${describeError(err)}`, {}),
  });
  return { server, handler };
}
