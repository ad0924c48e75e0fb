/**
 * Shared set-up of the decide/pipeline/e2e tests: embedded ports in a temp folder (real SQLite,
 * real folder bucket, in-process bus) with a fixed clock, and a small simulated history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closePorts, openPorts } from '../../../functions/src/adapters/open.ts';
import { parseConfig } from '../../../functions/src/config/load.ts';
import type { RetrainingConfig, RetrainingConfigInput } from '../../../functions/src/config/schema.ts';
import { fixedClock } from '../../../functions/src/ports/clock.ts';
import type { Ports } from '../../../functions/src/ports/index.ts';
import type { RawLog } from '../../../functions/src/ports/log-store.ts';
import { simulateLogs } from '../../../functions/src/simulate/generate.ts';
import type { SessionServer } from '../../../functions/src/simulate/serving.ts';

/** Embedded ports in a fresh temp folder and how to dispose of them. */
export interface TestEnv {
  ports: Ports;
  clock: ReturnType<typeof fixedClock>;
  config: RetrainingConfig;
  root: string;
  close(): Promise<void>;
}

/** Open embedded ports in a temp folder with the clock at `now`. */
export async function openTestEnv(now: string, overrides: RetrainingConfigInput = {}): Promise<TestEnv> {
  const root = mkdtempSync(path.join(tmpdir(), 'retrain-test-'));
  const config = parseConfig(overrides);
  const opened = await openPorts(config, { backend: 'embedded', root });
  const clock = fixedClock(now);
  const ports: Ports = { ...opened, clock };
  return {
    ports,
    clock,
    config,
    root,
    async close() {
      await closePorts(opened);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Append a small simulated history (`users × sessionsPerDay × days` sessions). */
export async function seedLogs(ports: Ports, opts: { startDate: string; days: number; users?: number; sessionsPerDay?: number; seed?: number; server?: SessionServer }): Promise<number> {
  const batch: RawLog[] = [];
  let n = 0;
  for (const log of simulateLogs({ users: opts.users ?? 20, sessionsPerDay: opts.sessionsPerDay ?? 2, days: opts.days, startDate: opts.startDate, seed: opts.seed ?? 7 }, undefined, opts.server)) {
    batch.push(log);
    n++;
    if (batch.length >= 500) await ports.logs.append(batch.splice(0));
  }
  if (batch.length) await ports.logs.append(batch);
  return n;
}
