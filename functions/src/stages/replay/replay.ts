/**
 * Replay: "what if this policy had run the weekly chain over our history?" For each policy (a
 * config), a scratch copy of the stored sessions (scratch-store.ts; the real store is untouched)
 * and, at each slot from `from` to `to`, what the scheduled checker does at that instant —
 * decide → collect → validate → train → deploy on the in-process bus with the pipeline's clock at
 * the slot — followed by how the version serving afterwards does on the sessions of the following
 * period (version-accuracy.ts). Policies run one after the other on the same history, so their
 * slots line up side by side.
 *
 * What history cannot tell: the stored sessions were served by the versions that really served,
 * so live signals about a replayed version (the performance trigger, canary verdicts) have no
 * sessions of their own — performance reads `insufficient_data` unless the names coincide, and no
 * watcher pass is replayed (a canary is neither promoted nor rolled back).
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { runChain } from '../pipeline/chain.ts';
import { defaultSteps } from '../pipeline/steps.ts';
import { openScratchStore } from './scratch-store.ts';
import { slotReport, type SlotReport } from './slot-report.ts';
import { versionAccuracy } from './version-accuracy.ts';

const DAY_MS = 86_400_000;

/** A named config to replay. */
export interface ReplayPolicy {
  name: string;
  config: RetrainingConfig;
}

/** Options of a replay. */
export interface ReplayOptions {
  from: Date;
  to: Date;
  everyMs: number;
  policies: ReplayPolicy[];
  log?: PipelineLogger;
  /** Called after each slot (progress). */
  onSlot?: (policy: string, slot: SlotReport) => void;
}

/** The slots of every policy. */
export interface ReplayResult {
  from: string;
  to: string;
  everyDays: number;
  policies: Array<{ name: string; sessionsCopied: number; slots: SlotReport[] }>;
}

/** The slot instants: `from`, `from + every`, … up to `to` included. */
export function replaySlots(from: Date, to: Date, everyMs: number): Date[] {
  const out: Date[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += everyMs) out.push(new Date(t));
  return out;
}

async function serving(ports: Pick<Ports, 'artifacts'>, config: RetrainingConfig): Promise<string | null> {
  return (await new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix).current())?.pointer.version ?? null;
}

/** Replay every policy over the source's sessions. */
export async function replay(source: Pick<Ports, 'logs'>, opts: ReplayOptions): Promise<ReplayResult> {
  const log = opts.log ?? createLogger(silentSink);
  const slots = replaySlots(opts.from, opts.to, opts.everyMs);
  const result: ReplayResult = { from: opts.from.toISOString(), to: opts.to.toISOString(), everyDays: opts.everyMs / DAY_MS, policies: [] };
  for (const policy of opts.policies) {
    const retention = policy.config.dataCollection.dataRetentionDays * DAY_MS;
    const scratch = await openScratchStore(source, policy.config, { start: new Date(opts.from.getTime() - retention), end: new Date(opts.to.getTime() + opts.everyMs) });
    const reports: SlotReport[] = [];
    try {
      const { ports, config, clock } = scratch;
      for (const at of slots) {
        clock.set(at);
        const before = await serving(ports, config);
        const outcome = await runChain(ports, config, { mode: 'scheduled', at, steps: defaultSteps, log });
        const after = await serving(ports, config);
        const next = after ? await versionAccuracy(ports, config, after, { start: at, end: new Date(at.getTime() + opts.everyMs) }) : null;
        const report = slotReport(at, outcome, before, after, next);
        reports.push(report);
        opts.onSlot?.(policy.name, report);
      }
    } finally {
      await scratch.close();
    }
    result.policies.push({ name: policy.name, sessionsCopied: scratch.copied, slots: reports });
  }
  return result;
}
