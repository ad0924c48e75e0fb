/**
 * Live accuracy of what was served: for every session in a window of whole UTC hours, each served
 * class (`served.css_class_*`) against the target inferred from the session's behaviour (the late
 * label, data/targets.ts), grouped by served version and variant (and by UTC day when asked).
 * Counts come with a Wilson score interval, so that canary verdicts and the performance trigger
 * judge a confidence bound, never a point estimate on a handful of sessions. Sessions whose
 * targets cannot be inferred (bots, no engagement, contradictions) or whose document is invalid
 * are counted, not scored; a session id seen again in the same hour is counted once.
 *
 * Read from the rollups (stages/rollup) by default — a few dozen documents whatever the traffic —
 * after bringing them up to date in-process unless `refresh` is off (the deployed functions, where
 * the scheduled `rollup` function does it). `source: 'rescan'` reads every session of the window
 * instead: the reference the rollups are tested against, and `retrain status --rescan`.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { TARGET_CLASS_COLUMNS, inferTargets, type TargetClassColumn } from '../../data/targets.ts';
import type { Ports } from '../../ports/index.ts';
import { wilsonInterval } from '../../stats/proportions.ts';
import { validateLog } from '../collect/log-validation.ts';
import type { BucketBody } from '../rollup/fold.ts';
import { rollupPass } from '../rollup/rollup-pass.ts';
import { alignWindow, readRollupWindow } from '../rollup/rollup-read.ts';
import { floorHour } from '../rollup/rollup-schema.ts';

/** Correct / scored sessions of one served class target, with a confidence interval. */
export interface LiveTargetAccuracy {
  sessions: number;
  correct: number;
  /** correct / sessions (null when no session was scored). */
  accuracy: number | null;
  /** Wilson score interval of the accuracy at `level` (null when no session was scored). */
  lower: number | null;
  upper: number | null;
}

/** One group of sessions: a served version and variant (and a day when grouped by day). */
export interface LiveGroup {
  /** `served.model_version` (null: the default stylesheet). */
  version: string | null;
  variant: 'current' | 'canary' | 'default';
  /** `YYYY-MM-DD` (UTC) when grouped by day, else null. */
  day: string | null;
  /** Valid sessions served by this group (scored or not). */
  sessions: number;
  /** Sessions whose targets could be inferred (the scored ones). */
  scored: number;
  targets: Record<TargetClassColumn, LiveTargetAccuracy>;
  /** Mean of the three targets' accuracies (null when nothing was scored). */
  meanAccuracy: number | null;
}

/** Live metrics of a window. */
export interface LiveMetrics {
  window: { start: string; end: string };
  level: number;
  groups: LiveGroup[];
  /** Documents read, invalid ones, repeated session ids, and sessions whose targets could not be inferred, by reason. */
  counts: { read: number; invalid: number; duplicates: number; unscored: Record<string, number> };
  /** Where the numbers come from; with rollups, the hours of the window not rolled up yet, or only partly. */
  source: { kind: LiveSourceKind; missingHours: number; partialHours: number };
}

/** Rollups (a few documents) or a rescan of every session of the window. */
export type LiveSourceKind = 'rollups' | 'rescan';

/** How a live reader reads. */
export interface LiveRead {
  /** Default `rollups`. */
  source?: LiveSourceKind;
  /** With rollups: run a rollup pass (and check the window's counts) before reading; default true. */
  refresh?: boolean;
}

/**
 * What the deployed functions read with: the rollups as the scheduled `rollup` function left
 * them, never the logs (a reader that rolled up first would read hours of traffic per call).
 */
export const LIVE_FROM_ROLLUPS: LiveRead = Object.freeze({ source: 'rollups', refresh: false });

/** The ports a live reader needs. */
export type LivePorts = Pick<Ports, 'logs' | 'records' | 'artifacts' | 'clock'>;

/** Options of `liveMetrics`. */
export interface LiveMetricsOptions extends LiveRead {
  /** The window, rounded down to whole UTC hours at both ends. */
  start: Date;
  end: Date;
  /** Group by UTC day too (trends). */
  byDay?: boolean;
  /** Confidence level of the intervals (default 1 − validation.performanceTests.significanceLevel). */
  level?: number;
  /** Only sessions served by these versions (all when omitted). */
  versions?: readonly (string | null)[];
}

interface Acc {
  version: string | null;
  variant: LiveGroup['variant'];
  day: string | null;
  sessions: number;
  scored: number;
  correct: Record<TargetClassColumn, number>;
}

/**
 * Bring the rollups up to date for a window when `read` asks for it (a pass to the window's end,
 * and a check of its hours against the store's counts), keeping drift sections for `track` over
 * the window; returns how the readers that follow read — the rollups as they now stand — so that
 * the readers of one computation (a check, a watcher pass, a dashboard) share one pass.
 */
export async function refreshLive(ports: LivePorts, config: RetrainingConfig, window: { start: Date; end: Date }, read: LiveRead = {}, track: readonly string[] = []): Promise<LiveRead> {
  const source = read.source ?? 'rollups';
  if (source === 'rollups' && (read.refresh ?? true)) {
    const w = alignWindow(window.start, window.end);
    await rollupPass(ports, config, { to: w.end, initialFrom: w.start, verify: w, ...(track.length ? { track, trackFrom: w.start } : {}) });
  }
  return { source, refresh: false };
}

/** Live metrics of a window, from the rollups (default) or a rescan of its sessions. */
export async function liveMetrics(ports: LivePorts, config: RetrainingConfig, opts: LiveMetricsOptions): Promise<LiveMetrics> {
  if (opts.source === 'rescan') return rescanLiveMetrics(ports, config, opts);
  const w = alignWindow(opts.start, opts.end);
  await refreshLive(ports, config, w, opts);
  const read = await readRollupWindow(ports.records, config, w.start, w.end, { byDay: opts.byDay });
  const level = levelOf(config, opts);
  const only = opts.versions ? new Set(opts.versions) : null;
  const groups = new Map<string, Acc>();
  const unscored: Record<string, number> = {};
  const fold = (body: BucketBody, day: string | null) => {
    for (const g of body.groups) {
      if (only && !only.has(g.version)) continue;
      const key = `${g.version}\u0000${g.variant}\u0000${day}`;
      let a = groups.get(key);
      if (!a) groups.set(key, (a = { version: g.version, variant: g.variant, day, sessions: 0, scored: 0, correct: { css_class_density: 0, css_class_font: 0, css_class_theme: 0 } }));
      a.sessions += g.sessions;
      a.scored += g.scored;
      for (const [reason, n] of Object.entries(g.unscored)) unscored[reason] = (unscored[reason] ?? 0) + n;
      for (const name of TARGET_CLASS_COLUMNS) for (const [label, m] of Object.entries(g.confusion[name] ?? {})) a.correct[name] += m[label] ?? 0;
    }
  };
  if (opts.byDay) for (const [day, body] of read.days) fold(body, day);
  else fold(read.body, null);
  const invalid = Object.values(read.body.invalid).reduce((a, b) => a + b, 0);
  return finish(groups, level, w, { read: read.body.read, invalid, duplicates: read.body.duplicates, unscored }, { kind: 'rollups', missingHours: read.missingHours, partialHours: read.partialHours });
}

const levelOf = (config: RetrainingConfig, opts: LiveMetricsOptions) => opts.level ?? 1 - config.validation.performanceTests.significanceLevel;

/** Read every session of the window and score what was served against the inferred targets. */
export async function rescanLiveMetrics(ports: Pick<Ports, 'logs'>, config: RetrainingConfig, opts: LiveMetricsOptions): Promise<LiveMetrics> {
  const w = alignWindow(opts.start, opts.end);
  const level = levelOf(config, opts);
  const only = opts.versions ? new Set(opts.versions) : null;
  const groups = new Map<string, Acc>();
  const counts = { read: 0, invalid: 0, duplicates: 0, unscored: {} as Record<string, number> };
  const seen = new Set<string>();
  let seenHour = -1;
  const query = { start: w.start, end: w.end, minSessionDurationMs: config.dataCollection.minSessionDurationMs, pageSize: config.dataCollection.pageSize };
  for await (const page of ports.logs.pages(query)) {
    for (const raw of page) {
      counts.read += 1;
      const verdict = raw.unreadable === undefined ? validateLog(raw.data) : null;
      if (!verdict?.ok) {
        counts.invalid += 1;
        continue;
      }
      const log = verdict.log;
      const hour = floorHour(log.timestamp).getTime();
      if (hour !== seenHour) {
        seen.clear();
        seenHour = hour;
      }
      if (seen.has(log.session_id)) {
        counts.duplicates += 1;
        continue;
      }
      seen.add(log.session_id);
      const version = log.served.model_version;
      if (only && !only.has(version)) continue;
      const variant = log.served.variant ?? (version === null ? 'default' : 'current');
      const day = opts.byDay ? new Date(log.timestamp).toISOString().slice(0, 10) : null;
      const key = `${version}\u0000${variant}\u0000${day}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { version, variant, day, sessions: 0, scored: 0, correct: { css_class_density: 0, css_class_font: 0, css_class_theme: 0 } }));
      g.sessions += 1;
      const t = inferTargets(log);
      if (!t.ok) {
        counts.unscored[t.reason] = (counts.unscored[t.reason] ?? 0) + 1;
        continue;
      }
      g.scored += 1;
      for (const name of TARGET_CLASS_COLUMNS) if (log.served[name] === t.classes[name]) g.correct[name] += 1;
    }
  }
  return finish(groups, level, w, counts, { kind: 'rescan', missingHours: 0, partialHours: 0 });
}

function finish(groups: Map<string, Acc>, level: number, w: { start: Date; end: Date }, counts: LiveMetrics['counts'], source: LiveMetrics['source']): LiveMetrics {
  const out: LiveGroup[] = [...groups.values()].map((g) => {
    const targets = Object.fromEntries(
      TARGET_CLASS_COLUMNS.map((name) => {
        const ci = g.scored ? wilsonInterval(g.correct[name], g.scored, level) : null;
        return [name, { sessions: g.scored, correct: g.correct[name], accuracy: g.scored ? g.correct[name] / g.scored : null, lower: ci?.lower ?? null, upper: ci?.upper ?? null }];
      }),
    ) as Record<TargetClassColumn, LiveTargetAccuracy>;
    const accs = TARGET_CLASS_COLUMNS.map((n) => targets[n].accuracy).filter((a): a is number => a !== null);
    return { version: g.version, variant: g.variant, day: g.day, sessions: g.sessions, scored: g.scored, targets, meanAccuracy: accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : null };
  });
  out.sort((a, b) => (a.day ?? '').localeCompare(b.day ?? '') || String(a.version).localeCompare(String(b.version)) || a.variant.localeCompare(b.variant));
  const unscored = Object.fromEntries(Object.entries(counts.unscored).sort(([a], [b]) => a.localeCompare(b)));
  return { window: { start: w.start.toISOString(), end: w.end.toISOString() }, level, groups: out, counts: { ...counts, unscored }, source };
}
