/**
 * A live store for the rollup tests: v1 trained by the chain and deployed, a candidate trained on
 * the same rows served as a 50 % canary, days of sessions served through the real serving path —
 * with malformed documents, repeated session ids (a retried write under a new document id) and
 * sessions too short to count mixed in.
 */
import type { RawLog } from '../../../functions/src/ports/log-store.ts';
import { openModelServer } from '../../../functions/src/serving/open-server.ts';
import { simulateToSink } from '../../../functions/src/simulate/run.ts';
import { deploy } from '../../../functions/src/stages/deploy/deploy.ts';
import { firstVersion, trainCandidate } from '../deploy/scenario.ts';
import type { TestEnv } from '../pipeline/fixtures.ts';

const actor = { kind: 'cli', id: 'tester' } as const;

/** The store and its versions. */
export interface LiveStore {
  env: TestEnv;
  v1: string;
  v2: string;
}

/** Sessions of one day served by the serving state as it is now; some malformed (`badLogRate`). */
export async function serveDay(env: TestEnv, day: string, seed: number, opts: { users?: number; badLogRate?: number } = {}): Promise<void> {
  const { server } = openModelServer(env.ports, env.config, { actor: { kind: 'cli', id: 'test' } });
  const snap = await server.snapshot();
  await simulateToSink(env.ports.logs, { users: opts.users ?? 150, sessionsPerDay: 4, days: 1, startDate: day, seed, badLogRate: opts.badLogRate ?? 0.02 }, { serve: (u, ctx) => server.serve(snap, u, ctx) });
}

/** Copies of every `step`-th document of [start, end) under new ids: the same sessions written twice. */
export async function duplicate(env: TestEnv, start: string, end: string, step: number, suffix: string): Promise<number> {
  const copies: RawLog[] = [];
  let i = 0;
  for await (const page of env.ports.logs.pages({ start: new Date(start), end: new Date(end) })) {
    for (const raw of page) if (i++ % step === 0) copies.push({ id: `${raw.id}_${suffix}`, data: raw.data });
  }
  await env.ports.logs.append(copies);
  return copies.length;
}

/** v1 serving from 2026-03-01, v2 a 50 % canary from 2026-03-03. */
export async function liveStore(): Promise<LiveStore> {
  const first = await firstVersion();
  const env = first.env;
  const csv = (await env.ports.artifacts.get(first.csvPath)).toString('utf8');
  const v2 = await trainCandidate(env, 'good', csv);
  await deploy(env.ports, env.config, { version: first.v1, strategy: 'immediate', actor });
  return { env, v1: first.v1, v2 };
}

/** Start the canary of v2 at `at`. */
export async function startCanary(s: LiveStore, at: string): Promise<void> {
  s.env.clock.set(at);
  await deploy(s.env.ports, s.env.config, { version: s.v2, strategy: 'canary', percentage: 50, actor, deploymentId: 'dep_canary_v2' });
}
