/**
 * Run a simulation into any log sink (the embedded SQLite store, Firestore, an in-memory array),
 * in batches, and summarise what was written. The same function backs `retrain simulate` and
 * the tests.
 */
import type { LogSink, RawLog } from '../ports/log-store.ts';
import { simulateLogs, newSimulationStats, type SimulationStats } from './generate.ts';
import { parseSimulationOptions, plannedSessions, type SimulationOptions, type SimulationOptionsInput } from './options.ts';
import type { SessionServer } from './serving.ts';

/** Documents per `append` call by default (Firestore's batch limit is 500 writes). */
export const DEFAULT_BATCH_SIZE = 500;

/** What a run wrote. */
export interface SimulationSummary {
  logsWritten: number;
  days: number;
  users: number;
  seed: number;
  shortSessions: number;
  idleSessions: number;
  botSessions: number;
  badLogs: number;
  badLogsByKind: SimulationStats['badLogsByKind'];
  driftedSessions: number;
  /** ISO timestamps of the earliest and latest session (null when nothing was written). */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  drift: SimulationOptions['drift'] | null;
}

/** Options of a run besides the simulation itself. */
export interface RunOptions {
  batchSize?: number;
  /** Called after each batch with the documents written so far and the planned total. */
  onProgress?: (written: number, total: number) => void;
  /** What sessions are served (a model server's snapshot); default the default stylesheet. */
  serve?: SessionServer;
}

/** Generate the logs of `input` into `sink`, batch by batch, and return the summary. */
export async function simulateToSink(sink: LogSink, input: SimulationOptionsInput = {}, run: RunOptions = {}): Promise<SimulationSummary> {
  const o = parseSimulationOptions(input);
  const batchSize = Math.max(1, run.batchSize ?? DEFAULT_BATCH_SIZE);
  const total = plannedSessions(o);
  const stats = newSimulationStats();
  let batch: RawLog[] = [];
  let written = 0;
  for (const log of simulateLogs(o, stats, run.serve)) {
    batch.push(log);
    if (batch.length >= batchSize) {
      await sink.append(batch);
      written += batch.length;
      batch = [];
      run.onProgress?.(written, total);
    }
  }
  if (batch.length) {
    await sink.append(batch);
    written += batch.length;
    run.onProgress?.(written, total);
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return {
    logsWritten: written,
    days: o.days,
    users: o.users,
    seed: o.seed,
    shortSessions: stats.shortSessions,
    idleSessions: stats.idleSessions,
    botSessions: stats.botSessions,
    badLogs: stats.badLogs,
    badLogsByKind: stats.badLogsByKind,
    driftedSessions: stats.driftedSessions,
    firstTimestamp: iso(stats.firstTimestampMs),
    lastTimestamp: iso(stats.lastTimestampMs),
    drift: o.drift ?? null,
  };
}
