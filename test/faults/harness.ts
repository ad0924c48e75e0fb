/**
 * The fault suite's world: a store (SQLite file + bucket folder) in which a first version already
 * serves, copied afresh for every scenario; "processes" that open their own ports on it (their own
 * in-process bus, as after a restart), optionally failing at a crash point; and the invariants
 * every scenario must end with. Tiny on purpose (560 sessions, 2 rounds of depth 2, one worker):
 * the suite runs in `npm test` on a shared 2-core machine.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closePorts, openPorts } from '../../functions/src/adapters/open.ts';
import { parseConfig } from '../../functions/src/config/load.ts';
import type { RetrainingConfig, RetrainingConfigInput } from '../../functions/src/config/schema.ts';
import { isVersionName } from '../../functions/src/models/layout.ts';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import { verifyVersion } from '../../functions/src/models/verify.ts';
import { fixedClock } from '../../functions/src/ports/clock.ts';
import type { Ports } from '../../functions/src/ports/index.ts';
import { isTerminal, listRuns, type RunRecord } from '../../functions/src/runs/run-record.ts';
import { simulateLogs } from '../../functions/src/simulate/generate.ts';
import { DatasetMetadataSchema } from '../../functions/src/stages/collect/dataset-metadata.ts';
import { getDeployment, listDeployments } from '../../functions/src/stages/deploy/deployment-store.ts';
import { runChain, type ChainOutcome } from '../../functions/src/stages/pipeline/chain.ts';
import { defaultSteps } from '../../functions/src/stages/pipeline/steps.ts';
import { FaultInjector, ProcessDied, faultyPorts } from './fault-ports.ts';
import type { FaultTable } from './report.ts';

/** The first run (it makes the first version current) and the slots of the runs under test. */
export const FIRST_AT = '2026-03-02T02:00:00Z';
export const RUN_AT = '2026-03-09T02:00:00Z';
/** The slot a rerun after a failed run takes (one minute later: a new forced run). */
export const NEXT_AT = '2026-03-09T02:01:00Z';

/** Small and quick; full retrains on `force`, auto-deployed through the safe strategy's gate. */
export const FAULT_CONFIG: RetrainingConfigInput = {
  strategies: { full: { conditions: 'manual or performance or drift or max_days_exceeded', hyperparameterTuning: false } },
  training: { rounds: 2, maxDepth: 2, workers: 1 },
  deployment: { autoDeploy: true, strategy: 'safe' },
  validation: { performanceTests: { tests: ['accuracy_test', 'api_compatibility_test'], minAccuracy: 0.3 } },
};

/** One store on disk. */
export interface Store {
  dir: string;
  config: RetrainingConfig;
  remove(): void;
}

function storeConfig(dir: string, overrides: RetrainingConfigInput = {}): RetrainingConfig {
  return parseConfig({ ...FAULT_CONFIG, ...overrides, pipeline: { embedded: { dir } } });
}

/** A process on a store: its own ports (and bus), a fixed clock, and an optional crash point. */
export interface Proc {
  ports: Ports;
  config: RetrainingConfig;
  faults: FaultInjector;
  close(): Promise<void>;
}

/** Open a process on `store` at `at`; its writes go through `faults` (default: counted only). */
export async function openProc(store: Store, at: string, faults = new FaultInjector()): Promise<Proc> {
  const opened = await openPorts(store.config, { backend: 'embedded', root: '/', clock: fixedClock(at) });
  return { ports: faultyPorts(opened, faults), config: store.config, faults, close: () => closePorts(opened) };
}

/** A fresh store with three weeks of sessions and a first version serving. */
export async function buildTemplate(overrides: RetrainingConfigInput = {}): Promise<Store> {
  const dir = mkdtempSync(path.join(tmpdir(), 'faults-template-'));
  const store: Store = { dir, config: storeConfig(dir, overrides), remove: () => rmSync(dir, { recursive: true, force: true }) };
  const proc = await openProc(store, FIRST_AT);
  try {
    await proc.ports.logs.append([...simulateLogs({ users: 20, sessionsPerDay: 2, days: 21, startDate: '2026-02-16', seed: 7 })]);
    const first = await runChain(proc.ports, proc.config, { mode: 'force', steps: defaultSteps });
    if (first.result.status !== 'success') throw new Error(`the template's first run did not succeed: ${JSON.stringify(first.result)}`);
  } finally {
    await proc.close();
  }
  return store;
}

/** The store in an existing folder (one a child process works on). */
export function storeAt(dir: string): Store {
  return { dir, config: storeConfig(dir), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of `template` for one scenario. */
export function copyStore(template: Store): Store {
  const dir = mkdtempSync(path.join(tmpdir(), 'faults-'));
  cpSync(template.dir, dir, { recursive: true });
  return storeAt(dir);
}

/** What one chain run of a process did: its outcome, or that the process died on the way. */
export type Attempt = { died: false; outcome: ChainOutcome } | { died: true; error: ProcessDied };

/** Run the chain once (forced, for the slot `at`) with the embedded step handlers, on the process's ports or `ports` wrapping them. */
export async function runForced(proc: Proc, at: string, ports: Ports = proc.ports): Promise<Attempt> {
  try {
    return { died: false, outcome: await runChain(ports, proc.config, { mode: 'force', at: new Date(at), steps: defaultSteps }) };
  } catch (err) {
    if (err instanceof ProcessDied || proc.faults.dead) return { died: true, error: err instanceof ProcessDied ? err : new ProcessDied(proc.faults.fired!) };
    throw err;
  }
}

/** Complete objects (datasets with metadata, versions with manifest, records) and their digests. */
export async function snapshot(store: Store): Promise<Map<string, string>> {
  const proc = await openProc(store, RUN_AT);
  try {
    const out = new Map<string, string>();
    const objects = await proc.ports.artifacts.list('');
    const complete = new Set(objects.filter((o) => /\/(manifest|production_data_metadata)\.json$/.test(o.path)).map((o) => o.path.slice(0, o.path.lastIndexOf('/') + 1)));
    for (const o of objects) {
      const folder = [...complete].some((c) => o.path.startsWith(c));
      if (folder || /^models\/(validations|bindings|claims)\//.test(o.path)) out.set(o.path, createHash('sha256').update(await proc.ports.artifacts.get(o.path)).digest('hex'));
    }
    for (const c of Object.values(proc.config.pipeline.collections)) {
      if (c === proc.config.pipeline.collections.interactionLogs) continue;
      for (const r of await proc.ports.records.list(c)) out.set(`${c}/${r.id}`, 'record');
    }
    out.set('interaction_logs', String(await proc.ports.logs.count({ start: new Date(0), end: new Date('2100-01-01T00:00:00Z') })));
    return out;
  } finally {
    await proc.close();
  }
}

/** Keys of `before` missing or changed in `after` (complete data the fault destroyed). */
export function lost(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([k, v]) => (v === 'record' ? !after.has(k) : after.get(k) !== v)).map(([k]) => k);
}

/**
 * The invariants of a store at rest: no version folder without its manifest and every version
 * verifying; no dataset without metadata and every metadata matching its CSV; every run ended
 * (`succeeded`, or `failed` with its reason) with at most one version (exactly one when it
 * succeeded); the serving state naming complete versions and a recorded deployment. Returns the
 * violations (empty: all hold).
 */
export async function violations(store: Store, opts: { allowRunning?: string[] } = {}): Promise<string[]> {
  const proc = await openProc(store, RUN_AT);
  const out: string[] = [];
  try {
    const { ports, config } = proc;
    const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
    const objects = await ports.artifacts.list(`${registry.layout.prefix}/v_`);
    const folders = new Set(objects.map((o) => o.path.split('/')[1]).filter(isVersionName));
    const byRun = new Map<string, string[]>();
    for (const v of folders) {
      if (!objects.some((o) => o.path === registry.layout.manifest(v))) {
        out.push(`version ${v} without its manifest`);
        continue;
      }
      const check = await verifyVersion(registry, v);
      if (!check.ok) out.push(`version ${v} does not verify: ${check.problems.join('; ')}`);
      const runId = check.manifest?.runId ?? '?';
      byRun.set(runId, [...(byRun.get(runId) ?? []), v]);
    }
    const datasets = await ports.artifacts.list(`${config.pipeline.layout.datasetsPrefix}/`);
    for (const dir of new Set(datasets.map((o) => o.path.slice(0, o.path.lastIndexOf('/') + 1)))) {
      const meta = datasets.find((o) => o.path === `${dir}production_data_metadata.json`);
      if (!meta) {
        out.push(`dataset ${dir} without metadata`);
        continue;
      }
      const m = DatasetMetadataSchema.parse(JSON.parse((await ports.artifacts.get(meta.path)).toString('utf8')));
      const csv = await ports.artifacts.get(m.csv.path);
      if (createHash('sha256').update(csv).digest('hex') !== m.csv.sha256) out.push(`dataset ${dir}: the CSV does not match its metadata`);
    }
    const runs: RunRecord[] = await listRuns(ports, { limit: 100 }, { collection: config.pipeline.collections.runs });
    for (const run of runs) {
      const versions = byRun.get(run.runId) ?? [];
      if (!isTerminal(run.status) && !opts.allowRunning?.includes(run.runId)) out.push(`run ${run.runId} is still ${run.status}`);
      if (run.status === 'failed' && !run.error?.message) out.push(`run ${run.runId} failed without a reason`);
      if (versions.length > 1) out.push(`run ${run.runId} has ${versions.length} versions: ${versions.join(', ')}`);
      if (run.status === 'succeeded' && (versions.length !== 1 || versions[0] !== run.outputs.version)) out.push(`run ${run.runId} succeeded with versions [${versions.join(', ')}], recorded ${run.outputs.version}`);
    }
    const state = await registry.readServingState();
    if (state.problem) out.push(`serving state unreadable: ${state.problem}`);
    for (const v of [state.pointer?.version, state.pointer?.canary?.version]) if (v && !folders.has(v)) out.push(`serving state names ${v}, which is not a complete version`);
    if (state.pointer?.deploymentId && !(await getDeployment(ports, config, state.pointer.deploymentId))) out.push(`serving state names deployment ${state.pointer.deploymentId}, which has no record`);
    const { invalid } = await listDeployments(ports, config);
    if (invalid.length) out.push(`deployment records that fail their schema: ${invalid.join(', ')}`);
  } finally {
    await proc.close();
  }
  return out;
}

/** The run a chain attempt is about, read from a clean process. */
export async function readRun(store: Store, runId: string): Promise<RunRecord | null> {
  const proc = await openProc(store, RUN_AT);
  try {
    return (await listRuns(proc.ports, { limit: 100 }, { collection: proc.config.pipeline.collections.runs })).find((r) => r.runId === runId) ?? null;
  } finally {
    await proc.close();
  }
}

/** The invariants of `store` and what it lost of `before`, as one verdict. */
export async function judge(store: Store, before: Map<string, string>): Promise<{ problems: string[]; lost: number }> {
  const problems = await violations(store);
  const gone = lost(before, await snapshot(store));
  if (gone.length) problems.push(`lost: ${gone.join(', ')}`);
  return { problems, lost: gone.length };
}

/** The serving state and the deployment records of a store, read by a clean process. */
export async function servingOf(store: Store): Promise<{ version: string | null; generation: string | null; deployments: Array<{ id: string; outcome: string; runId: string | null; toVersion: string | null }> }> {
  const proc = await openProc(store, RUN_AT);
  try {
    const state = await new ModelRegistry(proc.ports.artifacts, proc.config.pipeline.layout.modelsPrefix).readServingState();
    const { records } = await listDeployments(proc.ports, proc.config);
    return { version: state.pointer?.version ?? null, generation: state.generation, deployments: records.map((r) => ({ id: r.deploymentId, outcome: r.outcome, runId: r.runId, toVersion: r.toVersion })) };
  } finally {
    await proc.close();
  }
}

/**
 * Run `body` on a fresh copy of `from`, judge the store afterwards (nothing lost, no invariant
 * broken), record the verdict in `table` under `category` and fail the test on any problem.
 */
export async function runScenario(table: FaultTable, from: Store, category: string, fault: string, body: (store: Store) => Promise<string[]>): Promise<void> {
  const store = copyStore(from);
  try {
    const before = await snapshot(store);
    const problems = await body(store);
    const verdict = await judge(store, before);
    problems.push(...verdict.problems);
    table.add({ category, fault, survived: problems.length === 0, lost: verdict.lost, problems });
    assert.deepEqual(problems, [], fault);
  } finally {
    store.remove();
  }
}
