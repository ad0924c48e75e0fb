/**
 * A store with a story for the dashboard tests: three weeks of simulated sessions, a first
 * scheduled run (full, no model yet), daily recorded checks, a second scheduled run a week later
 * (incremental), a run that failed on a bad dataset in between, a comparison report in the bucket, and a
 * few deployment records (the deploy stage is built elsewhere: they are written through the
 * record store port, as that stage will). Small and quick: seconds, not minutes.
 */
import type { RetrainingConfigInput } from '../../../functions/src/config/schema.ts';
import type { Ports } from '../../../functions/src/ports/index.ts';
import { createLogger, silentSink } from '../../../functions/src/shared/logger.ts';
import { decide } from '../../../functions/src/stages/decide/decide.ts';
import type { DeploymentRecord } from '../../../functions/src/stages/deploy/deployment-record.ts';
import { runChain, subscribeSteps } from '../../../functions/src/stages/pipeline/chain.ts';
import { defaultSteps } from '../../../functions/src/stages/pipeline/steps.ts';
import { openTestEnv, seedLogs, type TestEnv } from '../pipeline/fixtures.ts';
import { openModelServer } from '../../../functions/src/serving/open-server.ts';

/** Small and quick training: no search, a few shallow rounds. */
export const QUICK_TRAINING: RetrainingConfigInput = {
  strategies: { full: { hyperparameterTuning: false } },
  training: { rounds: 4, maxDepth: 3, workers: 1 },
  // Four-round models move a lot with 20 more trees; the story needs the second run to keep its update.
  validation: { performanceTests: { maxAccuracyDrop: 0.5 } },
};

/** How far the clock moves at each reading while the story's runs run. */
const TICK_MS = 150;

/** The instant the dashboard is looked at in these tests. */
export const DASHBOARD_NOW = '2026-03-02T12:00:00Z';

/** What the story left behind, for assertions. */
export interface DashboardStory {
  env: TestEnv;
  firstRunId: string;
  firstVersion: string;
  secondRunId: string;
  failedRunId: string;
  reportPath: string;
  deployments: DeploymentRecord[];
}

/** A deployment record with defaults for the fields a test does not care about. */
export function deploymentRecord(over: Partial<DeploymentRecord> & Pick<DeploymentRecord, 'deploymentId' | 'action' | 'createdAt'>): DeploymentRecord {
  return {
    strategy: 'immediate',
    fromVersion: null,
    toVersion: null,
    percentage: 100,
    actor: { kind: 'run', id: 'run_test' },
    runId: null,
    reason: 'test',
    metrics: {},
    reportPath: null,
    outcome: 'applied',
    updatedAt: over.createdAt,
    ...over,
  };
}

/** Build the story in a fresh embedded store; the clock ends at DASHBOARD_NOW. */
export async function dashboardStory(overrides: RetrainingConfigInput = {}): Promise<DashboardStory> {
  const env = await openTestEnv('2026-02-23T02:00:00Z', { ...QUICK_TRAINING, ...overrides });
  try {
    await seedLogs(env.ports, { startDate: '2026-02-09', days: 14 });
    // Runs see time pass (each reading of the clock moves it on), so their stages have durations.
    const ticking: Ports = { ...env.ports, clock: { now: () => (env.clock.advance(TICK_MS), env.clock.now()) } };
    const first = await runChain(ticking, env.config, { mode: 'scheduled', steps: defaultSteps });
    const firstRunId = first.run!.runId;
    const firstVersion = first.run!.outputs.version!;
    // The week after: sessions served by the first version through the real serving path.
    const { server } = openModelServer(env.ports, env.config, { actor: { kind: 'cli', id: 'story' } });
    const snapshot = await server.snapshot();
    await seedLogs(env.ports, { startDate: '2026-02-23', days: 7, seed: 8, server: (userId, ctx) => server.serve(snapshot, userId, ctx) });
    for (let day = 24; day <= 28; day++) {
      const at = new Date(`2026-02-${day}T09:00:00Z`);
      env.clock.set(at);
      await decide(env.ports, env.config, { mode: 'check', at });
    }
    // A run that fails for good: its dataset is not the CSV the trainer expects.
    env.clock.set('2026-02-27T03:00:00Z');
    const failedRunId = 'run_20260227T030000Z_manual';
    const csvPath = `datasets/${failedRunId}/production_data.csv`;
    const metadataPath = `datasets/${failedRunId}/production_data_metadata.json`;
    await env.ports.artifacts.put(csvPath, 'this is,not\nthe,dataset,you want\n');
    await env.ports.artifacts.put(metadataPath, '{}');
    const off = await subscribeSteps(ticking, env.config, defaultSteps, createLogger(silentSink));
    await env.ports.bus.publish(env.config.pipeline.topics.datasetReady, { runId: failedRunId, strategy: 'full', csvPath, metadataPath, rows: 2, verdict: 'proceed', reasons: [] });
    await env.ports.bus.drain!();
    await off();

    env.clock.set('2026-03-02T02:00:00Z');
    const second = await runChain(ticking, env.config, { mode: 'scheduled', steps: defaultSteps });

    const reportDir = `${env.config.pipeline.layout.reportsPrefix}/${firstRunId}`;
    await env.ports.artifacts.put(`${reportDir}/report.html`, '<!doctype html><title>Comparison</title><h1>Comparison report</h1>', { contentType: 'text/html' });
    await env.ports.artifacts.put(`${reportDir}/comparison.json`, '{"summary":{"winner":"b"}}', { contentType: 'application/json' });

    const deployments = [
      deploymentRecord({ deploymentId: 'dep_20260223T030000Z', action: 'deploy', createdAt: '2026-02-23T03:00:00.000Z', toVersion: firstVersion, runId: firstRunId, reason: 'first model', reportPath: `${reportDir}/comparison.json` }),
      deploymentRecord({ deploymentId: 'dep_20260225T030000Z', action: 'canary_start', strategy: 'canary', createdAt: '2026-02-25T03:00:00.000Z', fromVersion: firstVersion, toVersion: 'v_20260225_020000', percentage: 10, outcome: 'canary', reason: 'candidate better on held-out rows' }),
      deploymentRecord({ deploymentId: 'dep_20260226T030000Z', action: 'rollback', strategy: 'canary', createdAt: '2026-02-26T03:00:00.000Z', fromVersion: 'v_20260225_020000', toVersion: firstVersion, percentage: 100, outcome: 'rolled_back', actor: { kind: 'watcher', id: 'canary-watcher' }, reason: 'live accuracy of the canary below the stable version' }),
    ];
    for (const d of deployments) await env.ports.records.set(env.config.pipeline.collections.deployments, d.deploymentId, { ...d });

    env.clock.set(DASHBOARD_NOW);
    return { env, firstRunId, firstVersion, secondRunId: second.run?.runId ?? second.result.run_id ?? '', failedRunId, reportPath: `${reportDir}/report.html`, deployments };
  } catch (err) {
    await env.close();
    throw err;
  }
}
