/**
 * `current_model_performance`: who serves now (the stable version of `models/current.json` and its
 * canary, if any) with the training-time metrics of their manifests, and the live accuracy of
 * everything served in the monitoring window (`triggers.performance.monitoringWindowHours`),
 * whatever the version names — registry versions, or the names a simulator or an older app reports.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Manifest } from '../../models/manifest.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { NotFoundError, describeError } from '../../shared/errors.ts';
import { liveMetrics, type LivePorts, type LiveRead } from '../monitor/live-metrics.ts';
import type { CurrentPerformance, ServingModel } from './dashboard-schema.ts';

const HOUR_MS = 3_600_000;

async function manifestOrNote(registry: ModelRegistry, version: string): Promise<{ manifest: Manifest | null; note: string | null }> {
  try {
    return { manifest: await registry.manifest(version), note: null };
  } catch (err) {
    if (err instanceof NotFoundError) return { manifest: null, note: `no manifest for ${version} in the registry` };
    return { manifest: null, note: `manifest unreadable: ${describeError(err)}` };
  }
}

function training(m: Manifest | null): ServingModel['training'] {
  if (!m) return null;
  return { createdAt: m.createdAt, strategy: m.strategy, runId: m.runId, rows: m.samples.total, summary: m.summary, metrics: m.metrics };
}

/** The serving versions with their manifests, and live accuracy per served version and variant. */
export async function currentPerformance(ports: LivePorts, config: RetrainingConfig, now: Date, live: LiveRead = {}): Promise<CurrentPerformance> {
  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  const current = await registry.current();
  const serving: ServingModel[] = [];
  if (current) {
    const p = current.pointer;
    const canary = p.canary;
    const stable = await manifestOrNote(registry, p.version);
    serving.push({
      role: 'stable',
      version: p.version,
      percentage: canary ? 100 - canary.percentage : 100,
      since: p.updatedAt,
      deploymentId: p.deploymentId,
      training: training(stable.manifest),
      note: stable.note,
    });
    if (canary) {
      const c = await manifestOrNote(registry, canary.version);
      serving.push({
        role: 'canary',
        version: canary.version,
        percentage: canary.percentage,
        since: canary.startedAt,
        deploymentId: canary.deploymentId,
        training: training(c.manifest),
        note: c.note,
      });
    }
  }

  const hours = config.triggers.performance.monitoringWindowHours;
  const start = new Date(now.getTime() - hours * HOUR_MS);
  const metrics = await liveMetrics(ports, config, { start, end: now, ...live });
  const roleOf = (version: string | null) => serving.find((s) => s.version === version)?.role ?? null;
  return {
    pointer: current ? { updatedAt: current.pointer.updatedAt, reason: current.pointer.reason, previousVersion: current.pointer.previousVersion, runId: current.pointer.runId } : null,
    serving,
    live: {
      window: { start: metrics.window.start, end: metrics.window.end, hours },
      level: metrics.level,
      groups: metrics.groups.map((g) => ({
        version: g.version,
        variant: g.variant,
        role: roleOf(g.version),
        sessions: g.sessions,
        scored: g.scored,
        meanAccuracy: g.meanAccuracy,
        targets: g.targets,
      })),
      counts: metrics.counts,
    },
  };
}
