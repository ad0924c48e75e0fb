/**
 * `retrain simulate`: write realistic simulated sessions into the configured backend's log store,
 * served by that store's serving path (its current and canary versions, or the default stylesheet).
 */
import type { Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import { formatIssues } from '../../shared/format-issues.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import type { LogSink } from '../../ports/log-store.ts';
import { ConfigError } from '../../shared/errors.ts';
import { SimulationOptionsSchema, parseSimulationOptions, plannedSessions, type SimulationOptions } from '../../simulate/options.ts';
import { DEFAULT_BATCH_SIZE, simulateToSink, type SimulationSummary } from '../../simulate/run.ts';
import type { SessionServer } from '../../simulate/serving.ts';
import { openModelServer } from '../../serving/open-server.ts';
import { createOutput } from '../output.ts';
import { storeOptions } from '../options.ts';

/** The flags of the command, as commander hands them over (strings until validated). */
export interface SimulateFlags {
  users?: string;
  sessionsPerDay?: string;
  days?: string;
  startDate?: string;
  seed?: string;
  driftFrom?: string;
  driftContext?: string;
  driftPreference?: string;
  badLogRate?: string;
  shortSessionRate?: string;
  labelNoise?: string;
  batchSize?: string;
  backend?: 'embedded' | 'cloud';
  root?: string;
  config?: string;
  json?: boolean;
}

/** Where the command writes: a sink plus how to release it (tests inject an in-memory one). */
export interface SimulateTarget {
  sink: LogSink;
  /** A human-readable description of the store (backend, path). */
  where: string;
  /** What sessions are served: the store's serving path (default: the default stylesheet). */
  serve?: SessionServer;
  /** What `serve` serves (`v_… (canary v_… 10 %)`), for the summary. */
  servedBy?: string;
  close(): Promise<void>;
}

/** Opens the log store of the configured backend. */
export type OpenSimulateTarget = (config: RetrainingConfig, opts: { backend?: 'embedded' | 'cloud'; root?: string }) => Promise<SimulateTarget>;

const DAY_MS = 86_400_000;
/** The simulator's defaults (its zod schema is the single source of them). */
const D = parseSimulationOptions({});

/** Drop undefined keys so that zod fills the defaults (NaN stays, and is reported). */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Turn flags into validated simulation options; without `--start-date` the run ends yesterday
 * (UTC of `now`), so the logs fall in the collection window of a run started today.
 */
export function simulationOptionsFromFlags(flags: SimulateFlags, now: Date): SimulationOptions {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const days = num(flags.days) ?? D.days;
  const startDate = flags.startDate ?? new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - days * DAY_MS).toISOString().slice(0, 10);
  const input = defined({
    users: num(flags.users),
    sessionsPerDay: num(flags.sessionsPerDay),
    days,
    startDate,
    seed: num(flags.seed),
    badLogRate: num(flags.badLogRate),
    shortSessionRate: num(flags.shortSessionRate),
    labelNoise: num(flags.labelNoise),
    drift:
      flags.driftFrom === undefined
        ? undefined
        : defined({ from: flags.driftFrom, contextShift: num(flags.driftContext), preferenceShift: num(flags.driftPreference) }),
  });
  if (flags.driftFrom === undefined && (flags.driftContext !== undefined || flags.driftPreference !== undefined)) {
    throw new ConfigError('--drift-context and --drift-preference need --drift-from YYYY-MM-DD');
  }
  const res = SimulationOptionsSchema.safeParse(input);
  if (!res.success) {
    const lines = formatIssues(res.error.issues);
    throw new ConfigError(`Invalid simulate options:\n  ${lines.join('\n  ')}`, { issues: lines });
  }
  return res.data;
}

/**
 * The default target: the log store of the backend `openPorts` opens, with sessions served by
 * that store's serving path (a snapshot of its serving state taken now).
 */
const openWithPorts: OpenSimulateTarget = async (config, opts) => {
  const ports = await openPorts(config, opts);
  const backend = opts.backend ?? process.env.RETRAIN_BACKEND ?? 'embedded';
  try {
    const { server } = openModelServer(ports, config, { actor: { kind: 'cli', id: 'simulate' } });
    const snap = await server.snapshot();
    const c = snap.canary;
    return {
      sink: ports.logs,
      where: `${backend} log store (${config.pipeline.collections.interactionLogs})`,
      serve: (userId, ctx) => server.serve(snap, userId, ctx),
      servedBy: snap.stable ? `${snap.stable.version}${c ? ` (canary ${c.model.version} for ${c.percentage} %)` : ''}` : 'the default stylesheet (no deployed version)',
      close: async () => {
        await server.idle();
        await closePorts(ports);
      },
    };
  } catch (err) {
    await closePorts(ports);
    throw err;
  }
};

function human(s: SimulationSummary & { where: string; seconds: number; servedBy: string }): string {
  const pct = (n: number) => `${n} (${s.logsWritten ? ((100 * n) / s.logsWritten).toFixed(1) : '0.0'} %)`;
  return [
    `wrote ${s.logsWritten} sessions to the ${s.where} in ${s.seconds.toFixed(1)} s`,
    `  served by ${s.servedBy}`,
    `  users ${s.users}, days ${s.days}, seed ${s.seed}`,
    `  time range ${s.firstTimestamp ?? '-'} … ${s.lastTimestamp ?? '-'}`,
    `  short (< 30 s) ${pct(s.shortSessions)}, idle ${pct(s.idleSessions)}, bot-like ${pct(s.botSessions)}, malformed ${pct(s.badLogs)}`,
    s.drift ? `  drift from ${s.drift.from}: context ${s.drift.contextShift}, preference ${s.drift.preferenceShift} (${s.driftedSessions} sessions)` : '  no drift',
  ].join('\n');
}

/** Register the command; `open` replaces the backend (tests). */
export function registerSimulate(program: Command, open: OpenSimulateTarget = openWithPorts, now: () => Date = () => new Date()): void {
  const cmd = program
    .command('simulate')
    .description('Generate realistic interaction logs (a population with hidden, context-dependent preferences) into the log store')
    .option('--users <n>', `users in the population (default ${D.users})`)
    .option('--sessions-per-day <n>', `mean sessions per user per day (default ${D.sessionsPerDay})`)
    .option('--days <n>', `days simulated (default ${D.days})`)
    .option('--start-date <YYYY-MM-DD>', 'first simulated day, UTC (default: so that the last day is yesterday)')
    .option('--seed <n>', `same seed and options → identical logs (default ${D.seed})`)
    .option('--drift-from <YYYY-MM-DD>', 'first day of a drifted regime')
    .option('--drift-context <x>', 'context drift 0…1 (more mobile, later, darker OS schemes)')
    .option('--drift-preference <x>', 'preference drift 0…1 (darker, more compact, smaller fonts)')
    .option('--bad-log-rate <x>', `share of deliberately malformed documents 0…1 (default ${D.badLogRate})`)
    .option('--short-session-rate <x>', `share of sessions shorter than 30 s (default ${D.shortSessionRate})`)
    .option('--label-noise <x>', `per class, share of sessions acting on a random preference (default ${D.labelNoise})`)
    .option('--batch-size <n>', `documents per write batch (default ${DEFAULT_BATCH_SIZE})`);
  storeOptions(cmd, { backend: 'embedded (SQLite + folder, the default) or cloud (Firestore); else RETRAIN_BACKEND' })
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  retrain simulate --users 500 --days 30 --seed 1',
        '  retrain simulate --users 1000 --sessions-per-day 10 --days 100 --start-date 2026-01-01 --json',
        '  retrain simulate --days 28 --start-date 2026-01-01 --drift-from 2026-01-15 --drift-context 0.5 --drift-preference 0.5',
        '  retrain simulate --days 3 --bad-log-rate 0.01 --backend cloud --config config/retraining.yaml',
      ].join('\n'),
    )
    .action(async (flags: SimulateFlags) => {
      const out = createOutput({ json: flags.json });
      if (flags.backend !== undefined && flags.backend !== 'embedded' && flags.backend !== 'cloud') throw new ConfigError(`--backend must be embedded or cloud, got ${String(flags.backend)}`);
      const options = simulationOptionsFromFlags(flags, now());
      const batchSize = Number(flags.batchSize ?? DEFAULT_BATCH_SIZE);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`--batch-size must be a positive integer, got ${flags.batchSize}`);
      const { config } = loadConfig(flags.config);
      const target = await open(config, { backend: flags.backend, root: flags.root });
      const started = performance.now();
      const bar = out.progress('simulate', plannedSessions(options));
      let summary: SimulationSummary;
      try {
        summary = await simulateToSink(target.sink, options, { batchSize, serve: target.serve, onProgress: (written) => bar.update(written) });
      } finally {
        bar.stop();
        await target.close();
      }
      const seconds = (performance.now() - started) / 1000;
      out.result({ status: 'ok', where: target.where, servedBy: target.servedBy ?? 'the default stylesheet', seconds: Math.round(seconds * 1000) / 1000, ...summary }, human);
    });
}
