/**
 * `retrain start` (`npm start`): the main job on the embedded default. On a fresh clone the store
 * is empty, so a realistic history is simulated first (30 days ending yesterday); then the chain
 * runs once in force mode through the in-process bus, and a summary says what fired, how many
 * rows were collected, and which version was produced with its metrics.
 */
import type { Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { embeddedPaths } from '../../adapters/embedded/index.ts';
import { loadConfig } from '../../config/load.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Manifest } from '../../models/manifest.ts';
import type { Ports } from '../../ports/index.ts';
import { consoleSink, createLogger } from '../../shared/logger.ts';
import { simulateToSink, type SimulationSummary } from '../../simulate/run.ts';
import { runChain } from '../../stages/pipeline/chain.ts';
import type { PipelineResult } from '../../stages/pipeline/result.ts';
import { defaultSteps } from '../../stages/pipeline/steps.ts';
import { createOutput, ExitStatus } from '../output.ts';
import { renderPipeline } from './auto.ts';

const DAY_MS = 86_400_000;

/**
 * The history simulated on a fresh clone: 5,400 sessions over 30 days, enough for a first full
 * retrain and for the data-volume trigger to fire on the last week (~1,150 usable sessions).
 */
export const START_HISTORY = { users: 150, sessionsPerDay: 1.2, days: 30, seed: 42 } as const;

/** Flags of `retrain start`. */
interface StartFlags {
  config?: string;
  root?: string;
  json?: boolean;
}

/** What `retrain start` prints with --json. */
export interface StartResult {
  store: string;
  simulated: SimulationSummary | null;
  pipeline: PipelineResult;
  summary: {
    fired: string[];
    strategy: string | null;
    rows: number | null;
    verdict: string | null;
    version: string | null;
    metrics: Manifest['summary'] | null;
  };
}

/** True when the log store holds no session at all. */
async function isEmpty(ports: Ports): Promise<boolean> {
  return (await ports.logs.count({ start: new Date(Date.UTC(2000, 0, 1)), end: new Date(Date.UTC(2100, 0, 1)) })) === 0;
}

function human(r: StartResult): string {
  const s = r.summary;
  const m = s.metrics;
  return [
    renderPipeline(r.pipeline),
    '',
    'Summary',
    `  fired:     ${s.fired.join(', ') || '(nothing)'}${s.strategy ? ` → ${s.strategy}` : ''}`,
    `  collected: ${s.rows === null ? '-' : `${s.rows.toLocaleString('en-US')} rows`}${s.verdict ? ` (verdict ${s.verdict})` : ''}`,
    `  version:   ${s.version ?? '(none)'}`,
    ...(m ? [`  metrics:   mean accuracy ${m.meanAccuracy.toFixed(3)}, mean log loss ${m.meanLogloss.toFixed(3)}, mean RMSE ${m.meanRmse.toFixed(4)}`] : []),
    `  store:     ${r.store}`,
    '',
    'Next: npx retrain auto --mode check   (what the weekly checker would decide now)',
  ].join('\n');
}

/** Register the command. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Run the main job on the embedded default: simulate a history if the store is empty, then retrain once (check → collect → validate → train)')
    .option('--config <file>', 'config file (default: config/retraining.yaml)')
    .option('--root <dir>', 'base folder of the embedded store (default: the repository root)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  npm start\n  npx retrain start --json')
    .action(async (flags: StartFlags) => {
      const { config } = loadConfig(flags.config);
      const out = createOutput({ json: flags.json });
      const log = createLogger(out.json ? () => {} : consoleSink());
      const store = embeddedPaths(config, { root: flags.root }).dir;
      const ports = await openPorts(config, { backend: 'embedded', ...(flags.root ? { root: flags.root } : {}) });
      try {
        out.info(`retrain start: embedded store at ${store}`);
        let simulated: SimulationSummary | null = null;
        if (await isEmpty(ports)) {
          const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
          const startDate = new Date(today - START_HISTORY.days * DAY_MS).toISOString().slice(0, 10);
          const total = START_HISTORY.users * START_HISTORY.sessionsPerDay * START_HISTORY.days;
          out.info(`No interaction logs yet: simulating ${START_HISTORY.days} days of history from ${startDate} (${START_HISTORY.users} users).`);
          const bar = out.progress('simulate', total);
          simulated = await simulateToSink(ports.logs, { ...START_HISTORY, startDate }, { onProgress: (done) => bar.update(done) });
          bar.stop();
          out.info(`Wrote ${simulated.logsWritten.toLocaleString('en-US')} sessions (${simulated.firstTimestamp} … ${simulated.lastTimestamp}).`);
        }
        out.info('Running the chain once (force): check → collect → validate → train');
        const { result, run } = await runChain(ports, config, { mode: 'force', log, steps: defaultSteps });
        const version = run?.outputs.version ?? null;
        const manifest = version ? await new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix).manifest(version).catch(() => null) : null;
        const res: StartResult = {
          store,
          simulated,
          pipeline: result,
          summary: {
            fired: run?.trigger.reasons ?? [],
            strategy: run?.outputs.strategy ?? run?.trigger.strategy ?? null,
            rows: run?.outputs.rows ?? null,
            verdict: run?.outputs.verdict ?? null,
            version,
            metrics: manifest?.summary ?? null,
          },
        };
        out.result(res, human);
        if (result.status === 'failed') throw new ExitStatus(1);
      } finally {
        await closePorts(ports);
      }
    });
}
