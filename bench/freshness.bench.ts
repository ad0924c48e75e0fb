/**
 * Freshness benchmark (`npm run bench:freshness`; `-- --quick` trains without the hyperparameter
 * search, `-- --scenario preference` runs one scenario). Does the served model stay fresh?
 *
 * Per scenario — preference drift 0.5, context drift 0.5, and a no-drift control — in a temporary
 * embedded store with `deployment.autoDeploy` on and every other setting at its default:
 * 1. simulate 30 days of 300 users (5 sessions a day each), served the default stylesheet, and run
 *    the scheduled chain at day 30, 02:00 (the first version); the drift starts that day;
 * 2. week by week for five weeks, simulate the sessions served by whatever version the store
 *    serves (the real serving path, snapshot after each chain run), then run the scheduled chain
 *    at the weekly slot (checks 1–4 fall in the 28 days of drift; the fifth week only measures
 *    the version chosen at check 4);
 * 3. per check: the triggers that fired, the action, and on the following week the accuracy of
 *    the served version and of an oracle retrain made at the same slot (full retrain, default
 *    training parameters, on the newest `maxSamplesPerCollection` sessions of the current regime
 *    only — since the drift began, at most 30 days), both scored against the simulator's hidden
 *    preferences (the truth, before label noise) on the same sessions; the gap is oracle − served.
 *    The live accuracy the pipeline itself sees (served class vs late label) is printed beside.
 * Done when (issue 10): a drift or performance trigger fires at check 1 under both drifts; from
 * check 2 on the served model is within 1 point of the oracle; the control fires no drift trigger.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closePorts, openPorts } from '../functions/src/adapters/open.ts';
import { parseConfig } from '../functions/src/config/load.ts';
import type { RetrainingConfig } from '../functions/src/config/schema.ts';
import { FEATURE_COUNT, prepareFeaturesV2 } from '../functions/src/data/features.ts';
import type { SessionContext, ServedPrediction } from '../functions/src/data/log-schema.ts';
import { predictBundle, readBundle } from '../functions/src/models/bundle.ts';
import { ModelRegistry } from '../functions/src/models/registry.ts';
import { clockFrom } from '../functions/src/ports/clock.ts';
import type { Ports, RawLog } from '../functions/src/ports/index.ts';
import { openModelServer } from '../functions/src/serving/open-server.ts';
import { simulateSessions } from '../functions/src/simulate/generate.ts';
import type { Preferences } from '../functions/src/simulate/preferences.ts';
import { collect } from '../functions/src/stages/collect/collect.ts';
import { artifactTarget } from '../functions/src/stages/collect/dataset-target.ts';
import { liveMetrics } from '../functions/src/stages/monitor/live-metrics.ts';
import { runChain } from '../functions/src/stages/pipeline/chain.ts';
import { defaultSteps } from '../functions/src/stages/pipeline/steps.ts';
import { firedNames, slotReport, type SlotReport } from '../functions/src/stages/replay/slot-report.ts';
import { runFullRetrain } from '../functions/src/stages/train/full.ts';

const DAY_MS = 86_400_000;
const START = '2026-01-05';
const TRAIN_DAY = 30;
const CHECKS = 4;
const SIM = { users: 300, sessionsPerDay: 5, seed: 11 };
const SCENARIOS = {
  preference: { contextShift: 0, preferenceShift: 0.5 },
  context: { contextShift: 0.5, preferenceShift: 0 },
  control: null,
} as const;
type Scenario = keyof typeof SCENARIOS;
const CLASSES = ['density', 'font', 'theme'] as const;

const quick = process.argv.includes('--quick');
const only = (() => {
  const i = process.argv.indexOf('--scenario');
  return i >= 0 ? (process.argv[i + 1] as Scenario) : null;
})();

/** A session of the measured week: what the served model answered (before the app's exploration) and the truth. */
interface Seen {
  ctx: SessionContext;
  truth: Preferences;
  model: ServedPrediction;
}

/** Accuracy of answers against the hidden preferences, mean of the three classes. */
function truthAccuracy(seen: Seen[], answer: (s: Seen, i: number) => Record<(typeof CLASSES)[number], string>): number {
  let correct = 0;
  seen.forEach((s, i) => {
    const a = answer(s, i);
    for (const c of CLASSES) if (a[c] === s.truth[c]) correct += 1;
  });
  return correct / (seen.length * CLASSES.length);
}

/** Predicted classes of a version for the sessions' contexts. */
async function predictClasses(ports: Ports, prefix: string, version: string, seen: Seen[]): Promise<Array<Record<(typeof CLASSES)[number], string>>> {
  const manifest = await new ModelRegistry(ports.artifacts, prefix).manifest(version);
  const bundle = await readBundle(ports.artifacts, prefix, version, manifest);
  const values = new Float32Array(seen.length * FEATURE_COUNT);
  const row = new Float64Array(FEATURE_COUNT);
  seen.forEach((s, i) => values.set(prepareFeaturesV2(s.ctx, row, 0), i * FEATURE_COUNT));
  const classTargets = bundle.labels.targets.filter((t) => t.kind === 'class');
  const preds = predictBundle({ ...bundle, labels: { ...bundle.labels, targets: classTargets } }, values, seen.length);
  return seen.map((_, r) => {
    const out = {} as Record<(typeof CLASSES)[number], string>;
    for (const t of classTargets) {
      if (t.kind !== 'class') continue;
      const k = t.labels.length;
      const p = preds[t.name];
      let best = 0;
      for (let j = 1; j < k; j++) if (p[r * k + j] > p[r * k + best]) best = j;
      out[t.name.replace('css_class_', '') as (typeof CLASSES)[number]] = t.labels[best];
    }
    return out;
  });
}

/** The oracle at a slot: a full retrain on the newest sessions of the current regime only. */
async function oracle(ports: Ports, config: RetrainingConfig, at: Date, regimeStart: Date, k: number): Promise<string> {
  const start = new Date(Math.max(regimeStart.getTime(), at.getTime() - 30 * DAY_MS));
  const csvPath = `oracle/${k}/production_data.csv`;
  await collect(ports, { window: { start, end: at }, minSessionDurationMs: config.dataCollection.minSessionDurationMs, maxSamples: config.dataCollection.maxSamplesPerCollection, target: artifactTarget(ports.artifacts, csvPath), config, configHash: 'oracle', runId: `oracle_${k}` });
  const res = await runFullRetrain(ports, config, { dataPath: csvPath, prefix: 'oracle-models', runId: `oracle_${k}`, configHash: 'oracle', tune: false, promoteFirst: false });
  if (!res.model_version) throw new Error(`oracle ${k}: ${res.reason}`);
  return res.model_version;
}

interface Row {
  check: number;
  slot: SlotReport;
  served: number;
  live: number | null;
  oracle: number | null;
  sessions: number;
}

async function runScenario(name: Scenario): Promise<Row[]> {
  const root = mkdtempSync(path.join(tmpdir(), `fresh-${name}-`));
  const config = parseConfig({ deployment: { autoDeploy: true }, ...(quick ? { strategies: { full: { hyperparameterTuning: false } } } : {}) });
  const t0 = Date.parse(`${START}T02:00:00Z`) + TRAIN_DAY * DAY_MS;
  const clock = clockFrom(new Date(t0));
  const opened = await openPorts(config, { backend: 'embedded', root, clock });
  const ports: Ports = { ...opened, clock };
  const { server } = openModelServer(ports, config, { actor: { kind: 'cli', id: 'bench' }, refreshSeconds: 0 });
  let snap = await server.snapshot();
  let lastAnswer: ServedPrediction | null = null;
  const drift = SCENARIOS[name];
  const driftFrom = new Date(t0 - 2 * 3_600_000).toISOString().slice(0, 10);
  const sessions = simulateSessions(
    { ...SIM, days: TRAIN_DAY + 7 * (CHECKS + 1), startDate: START, ...(drift ? { drift: { from: driftFrom, ...drift } } : {}) },
    undefined,
    (userId, ctx) => (lastAnswer = server.serve(snap, userId, ctx)),
  );
  let pending = sessions.next();
  /** Simulate up to `until`, keeping the sessions (with the served model's answer) when asked. */
  const simulateUntil = async (until: number, keep: Seen[] | null) => {
    let batch: RawLog[] = [];
    while (!pending.done && Date.parse((pending.value.raw.data as { timestamp: string }).timestamp) < until) {
      const s = pending.value;
      batch.push(s.raw);
      if (keep && lastAnswer && s.kind === 'normal' && !s.malformed) keep.push({ ctx: (s.raw.data as { context: SessionContext }).context, truth: s.truth, model: lastAnswer });
      if (batch.length >= 2000) {
        await ports.logs.append(batch);
        batch = [];
      }
      // The answer belongs to this session only: the generator asks the server once per session, before yielding it.
      pending = sessions.next();
    }
    if (batch.length) await ports.logs.append(batch);
  };
  const serving = async () => (await new ModelRegistry(ports.artifacts).current())?.pointer.version ?? null;
  const chain = async (at: Date) => {
    clock.set(at);
    const before = await serving();
    const outcome = await runChain(ports, config, { mode: 'scheduled', at, steps: defaultSteps });
    const after = await serving();
    snap = await server.snapshot();
    return slotReport(at, outcome, before, after, null);
  };
  const rows: Row[] = [];
  try {
    await simulateUntil(t0, null);
    const first = await chain(new Date(t0));
    console.log(`  ${name}: day ${TRAIN_DAY} trained ${first.version} (${first.strategy}), deployed ${first.deployed}${first.note ? ` (${first.note.slice(0, 160)})` : ''}`);
    for (let k = 1; k <= CHECKS; k++) {
      const at = new Date(t0 + k * 7 * DAY_MS);
      await simulateUntil(at.getTime(), null);
      const slot = await chain(at);
      const seen: Seen[] = [];
      const oracleVersion = await oracle(ports, config, at, new Date(drift ? t0 : t0 - 30 * DAY_MS), k);
      await simulateUntil(at.getTime() + 7 * DAY_MS, seen);
      const served = truthAccuracy(seen, (s) => ({ density: s.model.css_class_density, font: s.model.css_class_font, theme: s.model.css_class_theme }));
      const oracleAnswers = await predictClasses(ports, 'oracle-models', oracleVersion, seen);
      const oracleAcc = truthAccuracy(seen, (_, i) => oracleAnswers[i]);
      const live = await liveMetrics(ports, config, { start: at, end: new Date(at.getTime() + 7 * DAY_MS), versions: [slot.servingAfter] });
      const g = live.groups.find((x) => x.variant === 'current');
      const row = { check: k, slot, served, live: g?.meanAccuracy ?? null, oracle: oracleAcc, sessions: seen.length };
      rows.push(row);
      if (process.argv.includes('--verbose')) console.log(`    ${slot.triggers.map((t) => `${t.name}: ${t.value}`).join(' · ')}\n    strategy ${slot.strategyReason}${slot.note ? `\n    ${slot.note}` : ''}`);
      console.log(`  ${name}: check ${k} fired ${firedNames(slot)} → ${slot.shouldRetrain ? `${slot.strategy} ${slot.version ?? `(no version: ${(slot.note ?? slot.run ?? '').slice(0, 90)})`}${slot.deployed ? ' deployed' : ''}` : 'nothing'}; next week served ${(served * 100).toFixed(1)} %, oracle ${(oracleAcc * 100).toFixed(1)} %`);
    }
  } finally {
    await server.idle();
    await closePorts(opened);
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

const pct = (v: number | null) => (v === null ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)} %`);

async function main(): Promise<void> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  console.log(`Freshness benchmark: ${SIM.users} users × ${SIM.sessionsPerDay} sessions/day, ${TRAIN_DAY} days then ${CHECKS} weekly checks (+ a week to measure the last), autoDeploy on, ${quick ? 'no hyperparameter search (--quick)' : 'default config (hyperparameter search on)'}`);
  const results: Array<[Scenario, Row[]]> = [];
  for (const name of Object.keys(SCENARIOS) as Scenario[]) {
    if (only && only !== name) continue;
    results.push([name, await runScenario(name)]);
  }
  for (const [name, rows] of results) {
    console.log(`\n${name}${SCENARIOS[name] ? ` (${JSON.stringify(SCENARIOS[name])})` : ' (no drift)'}`);
    console.log('check  fired                               action                           served  oracle    gap   live (pipeline)');
    for (const r of rows) {
      const action = r.slot.shouldRetrain ? `${r.slot.strategy} ${r.slot.version ? (r.slot.deployed ? 'deployed' : 'kept back') : 'rejected'}` : 'none';
      const gap = r.oracle === null ? null : r.oracle - r.served;
      console.log(`${String(r.check).padStart(5)}  ${firedNames(r.slot).padEnd(34)}  ${action.padEnd(31)}  ${pct(r.served)} ${pct(r.oracle)} ${gap === null ? '   -' : `${(gap * 100).toFixed(1).padStart(5)} pt`}   ${pct(r.live)}`);
    }
    const drifted = SCENARIOS[name] !== null;
    const firstFired = rows[0]?.slot.triggers.some((t) => (t.name === 'drift' || t.name === 'performance') && t.triggered) ?? false;
    const within = rows.slice(1).every((r) => r.oracle !== null && r.oracle - r.served <= 0.01);
    const driftFired = rows.some((r) => r.slot.triggers.some((t) => t.name === 'drift' && t.triggered));
    if (drifted) console.log(`  drift/performance fired at check 1: ${firstFired ? 'yes' : 'NO'}; within 1 point of the oracle from check 2 on: ${within ? 'yes' : 'NO'}`);
    else console.log(`  drift trigger fired in the control: ${driftFired ? 'YES' : 'no'}; within 1 point of the oracle from check 2 on: ${within ? 'yes' : 'NO'}`);
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU`);
}

await main();
