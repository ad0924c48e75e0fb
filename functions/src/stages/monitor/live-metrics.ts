/**
 * Live accuracy of what was served: for every session in a window, each served class
 * (`served.css_class_*`) against the target inferred from the session's behaviour (the late
 * label, data/targets.ts), grouped by served version and variant (and by UTC day when asked).
 * Counts come with a Wilson score interval, so that canary verdicts and the performance trigger
 * judge a confidence bound, never a point estimate on a handful of sessions. Sessions whose
 * targets cannot be inferred (bots, no engagement, contradictions) or whose document is invalid
 * are counted, not scored.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { TARGET_CLASS_COLUMNS, inferTargets, type TargetClassColumn } from '../../data/targets.ts';
import type { Ports } from '../../ports/index.ts';
import { validateLog } from '../collect/log-validation.ts';
import { wilsonInterval } from '../../stats/proportions.ts';

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
  /** Documents read, invalid ones, and sessions whose targets could not be inferred, by reason. */
  counts: { read: number; invalid: number; unscored: Record<string, number> };
}

/** Options of `liveMetrics`. */
export interface LiveMetricsOptions {
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

/** Read the window's sessions and score what was served against the inferred targets. */
export async function liveMetrics(ports: Pick<Ports, 'logs'>, config: RetrainingConfig, opts: LiveMetricsOptions): Promise<LiveMetrics> {
  const level = opts.level ?? 1 - config.validation.performanceTests.significanceLevel;
  const only = opts.versions ? new Set(opts.versions) : null;
  const groups = new Map<string, Acc>();
  const counts = { read: 0, invalid: 0, unscored: {} as Record<string, number> };
  const query = { start: opts.start, end: opts.end, minSessionDurationMs: config.dataCollection.minSessionDurationMs, pageSize: config.dataCollection.pageSize };
  for await (const page of ports.logs.pages(query)) {
    for (const raw of page) {
      counts.read += 1;
      const verdict = validateLog(raw.data);
      if (!verdict.ok) {
        counts.invalid += 1;
        continue;
      }
      const log = verdict.log;
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
  return { window: { start: opts.start.toISOString(), end: opts.end.toISOString() }, level, groups: out, counts };
}
