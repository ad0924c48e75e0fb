/**
 * A simulated deployment scenario on the embedded store: a first version trained by the chain on
 * simulated history, candidates trained by the full-retrain stage on that run's CSV (or on the
 * same CSV with its labels shuffled: a deliberately bad model), and simulated days served through
 * the real serving path, so that live metrics measure the deployed models.
 */
import { TARGET_COLUMNS } from '../../../functions/src/data/targets.ts';
import { openModelServer } from '../../../functions/src/serving/open-server.ts';
import { Rng } from '../../../functions/src/simulate/prng.ts';
import { simulateToSink } from '../../../functions/src/simulate/run.ts';
import { runChain } from '../../../functions/src/stages/pipeline/chain.ts';
import { defaultSteps } from '../../../functions/src/stages/pipeline/steps.ts';
import { runFullRetrain } from '../../../functions/src/stages/train/full.ts';
import { openTestEnv, seedLogs, type TestEnv } from '../pipeline/fixtures.ts';

/** Quick training, a canary watched for 24 h, the default significance level. */
export const SCENARIO_CONFIG = {
  strategies: { full: { hyperparameterTuning: false } },
  training: { rounds: 10, maxDepth: 4, workers: 1 },
  deployment: { monitoringHours: 24, minCanarySessions: 200 },
  serving: { stateRefreshSeconds: 0 },
} as const;

/** Users and sessions of a simulated day (about 1,200 sessions). */
export const DAY = { users: 300, sessionsPerDay: 4 } as const;

/** The store after the first training: v1 serves, and the run's CSV path. */
export async function firstVersion(): Promise<{ env: TestEnv; v1: string; csvPath: string }> {
  const env = await openTestEnv('2026-03-01T00:00:00Z', SCENARIO_CONFIG);
  await seedLogs(env.ports, { startDate: '2026-02-15', days: 14, users: 80, sessionsPerDay: 3, seed: 5 });
  const { run } = await runChain(env.ports, env.config, { mode: 'force', steps: defaultSteps });
  if (!run?.outputs.version || !run.outputs.csvPath) throw new Error(`first training failed: ${JSON.stringify(run)}`);
  return { env, v1: run.outputs.version, csvPath: run.outputs.csvPath };
}

/** The CSV with every row's targets moved to another row (a seeded permutation): features and labels unrelated. */
export function shuffleLabels(csv: string, seed: number): string {
  const [header, ...rows] = csv.trimEnd().split('\n');
  const cols = header.split(',');
  const targetIdx = TARGET_COLUMNS.map((c) => cols.indexOf(c));
  const cells = rows.map((r) => r.split(','));
  const order = cells.map((_, i) => i);
  const rng = new Rng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const out = cells.map((row, i) => {
    const copy = [...row];
    for (const k of targetIdx) copy[k] = cells[order[i]][k];
    return copy.join(',');
  });
  return `${header}\n${out.join('\n')}\n`;
}

/** The ports and config a scenario step needs (an embedded test env, or cloud ports in the e2e test). */
export type ScenarioStore = Pick<TestEnv, 'ports' | 'config'>;

/** Train a candidate on CSV text with the full-retrain stage (never made current here). */
export async function trainCandidate(env: ScenarioStore, name: string, csv: string): Promise<string> {
  const res = await runFullRetrain(env.ports, env.config, { dataPath: `datasets/candidates/${name}.csv`, dataBytes: Buffer.from(csv), runId: `run_candidate_${name}`, configHash: 'test', promoteFirst: false });
  if (!res.model_version) throw new Error(`training ${name} failed: ${res.reason}`);
  return res.model_version;
}

/** Simulate one day of sessions served by the store's serving state as it is now. */
export async function simulateServedDay(env: ScenarioStore, day: string, seed: number): Promise<void> {
  const { server } = openModelServer(env.ports, env.config, { actor: { kind: 'cli', id: 'test' } });
  const snap = await server.snapshot();
  await simulateToSink(env.ports.logs, { ...DAY, days: 1, startDate: day, seed }, { serve: (u, ctx) => server.serve(snap, u, ctx) });
}
