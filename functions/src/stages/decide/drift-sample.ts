/**
 * What a drift check measures: every valid session of the trigger's window (new data since the
 * last training, at most `triggers.dataVolume.windowDays`, in whole UTC hours; a session id seen
 * again in the same hour counts once), seen through the serving version's frozen reference — each
 * feature's values per reference bin, and the classes the version predicts. Feature drift is a
 * property of the traffic, so every session counts, whatever served it.
 *
 * Read from the rollups' drift sections by default (brought up to date first unless `refresh` is
 * off; a version not yet tracked is backfilled over the window); `source: 'rescan'` reads every
 * session and predicts them here, the reference the rollups are tested against.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { FEATURE_COUNT, prepareFeaturesV2 } from '../../data/features.ts';
import { predictBundle, readBundle } from '../../models/bundle.ts';
import type { ReferenceStats } from '../../models/reference-stats.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { validateLog } from '../collect/log-validation.ts';
import { refreshLive, type LiveRead } from '../monitor/live-metrics.ts';
import { alignWindow, readRollupWindow } from '../rollup/rollup-read.ts';
import { floorHour } from '../rollup/rollup-schema.ts';
import { binSample, type FeatureBinCounts, type PredictedCounts } from './drift-assessment.ts';
import type { TimeWindow } from './trigger.ts';

/** Feature rows of a window (the rescan's intermediate). */
export interface DriftSample {
  rows: number;
  /** Row-major, `rows × FEATURE_COUNT`, NaN = missing. */
  values: Float32Array;
}

/** A window seen through a version's reference. */
export interface DriftCounts {
  window: TimeWindow;
  rows: number;
  features: FeatureBinCounts;
  predicted: PredictedCounts;
  reference: ReferenceStats;
  /** Hours of the window the rollups do not cover for this version (0 for a rescan). */
  missingHours: number;
}

type DriftPorts = Pick<Ports, 'logs' | 'records' | 'artifacts' | 'clock'>;

async function loadClassBundle(ports: Pick<Ports, 'artifacts'>, config: RetrainingConfig, version: string) {
  const prefix = config.pipeline.layout.modelsPrefix;
  const manifest = await new ModelRegistry(ports.artifacts, prefix).manifest(version);
  const bundle = await readBundle(ports.artifacts, prefix, version, manifest);
  return { ...bundle, labels: { ...bundle.labels, targets: bundle.labels.targets.filter((t) => t.kind === 'class') } };
}

/** The window seen through `version`'s reference, from the rollups or a rescan. */
export async function driftCounts(ports: DriftPorts, config: RetrainingConfig, version: string, window: TimeWindow, read: LiveRead = {}): Promise<DriftCounts> {
  const w = alignWindow(window.start, window.end);
  if (read.source === 'rescan') return rescanDriftCounts(ports, config, version, w);
  await refreshLive(ports, config, w, read, [version]);
  const [rolled, bundle] = await Promise.all([readRollupWindow(ports.records, config, w.start, w.end), loadClassBundle(ports, config, version)]);
  const d = rolled.body.drift.find((x) => x.version === version);
  const hours = Math.round((w.end.getTime() - w.start.getTime()) / 3_600_000);
  return { window: w, rows: d?.rows ?? 0, features: d?.features ?? {}, predicted: d?.predicted ?? {}, reference: bundle.reference, missingHours: d ? rolled.missingHours : hours };
}

/** Read every valid session of the window, bin it and predict it with `version`. */
export async function rescanDriftCounts(ports: DriftPorts, config: RetrainingConfig, version: string, window: TimeWindow): Promise<DriftCounts> {
  const w = alignWindow(window.start, window.end);
  const sample = await readDriftSample(ports, w, { minSessionDurationMs: config.dataCollection.minSessionDurationMs, pageSize: config.dataCollection.pageSize });
  const bundle = await loadClassBundle(ports, config, version);
  const predicted: PredictedCounts = {};
  if (sample.rows) {
    const preds = predictBundle(bundle, sample.values, sample.rows);
    for (const t of bundle.labels.targets) {
      if (t.kind !== 'class') continue;
      const k = t.labels.length;
      const p = preds[t.name];
      const c = new Array<number>(k).fill(0);
      for (let r = 0; r < sample.rows; r++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (p[r * k + j] > p[r * k + best]) best = j;
        c[best] += 1;
      }
      predicted[t.name] = Object.fromEntries(t.labels.map((l, j) => [l, c[j]]));
    }
  }
  return { window: w, rows: sample.rows, features: binSample(bundle.reference, sample), predicted, reference: bundle.reference, missingHours: 0 };
}

/** Read the window's valid sessions as feature rows (first of each session id per hour). */
export async function readDriftSample(ports: Pick<Ports, 'logs'>, window: TimeWindow, opts: { minSessionDurationMs: number; pageSize: number }): Promise<DriftSample> {
  let values = new Float32Array(1024 * FEATURE_COUNT);
  const row = new Float64Array(FEATURE_COUNT);
  let rows = 0;
  const seen = new Set<string>();
  let seenHour = -1;
  const query = { start: window.start, end: window.end, minSessionDurationMs: opts.minSessionDurationMs, pageSize: opts.pageSize };
  for await (const page of ports.logs.pages(query)) {
    for (const raw of page) {
      if (raw.unreadable !== undefined) continue;
      const v = validateLog(raw.data);
      if (!v.ok) continue;
      const hour = floorHour(v.log.timestamp).getTime();
      if (hour !== seenHour) {
        seen.clear();
        seenHour = hour;
      }
      if (seen.has(v.log.session_id)) continue;
      seen.add(v.log.session_id);
      if ((rows + 1) * FEATURE_COUNT > values.length) {
        const grown = new Float32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      prepareFeaturesV2(v.log.context, row, 0);
      values.set(row, rows * FEATURE_COUNT);
      rows += 1;
    }
  }
  return { rows, values: values.subarray(0, rows * FEATURE_COUNT) };
}
