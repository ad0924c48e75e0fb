/**
 * The dashboard as terminal text (`retrain status`): the same six sections as the page, one block
 * each, instants in UTC, a sparkline per served version for the live-accuracy trend.
 */
import type { DashboardData, RunSummary, TriggerView } from '../stages/report/dashboard-schema.ts';

const DAY_MS = 86_400_000;
const SPARKS = '▁▂▃▄▅▆▇█';

/** `2026-03-02 12:00Z`, or `-`. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : '-';
}

/** A duration readably: `850 ms`, `2.9 s`, `4.2 min`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function num(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)} %`;
}

const STATUS_MARK: Record<string, string> = { succeeded: '✓', failed: '✗', skipped: '–', running: '…', retrying: '↻', requested: '·' };

/** A sparkline of values in [0, 1]. */
export function sparkline(values: readonly number[]): string {
  return values.map((v) => SPARKS[Math.min(SPARKS.length - 1, Math.max(0, Math.floor(v * SPARKS.length)))]).join('');
}

function runLine(r: RunSummary): string {
  const out = [`${STATUS_MARK[r.status] ?? '?'} ${r.status.padEnd(9)} ${r.runId}`, `(${r.mode}, ${when(r.createdAt)}, ${duration(r.durationMs)})`];
  if (r.version) out.push(`→ ${r.version}`);
  return out.join(' ');
}

function stagesLine(r: RunSummary): string {
  return r.stages.map((s) => `${s.name} ${STATUS_MARK[s.status] ?? '?'}${s.durationMs !== null ? ` ${duration(s.durationMs)}` : ''}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ''}`).join(' → ');
}

function triggerLine(t: TriggerView): string {
  const mark = !t.evaluated ? '-' : t.triggered ? '✓' : t.blocks ? '⏸' : '✗';
  const value = t.signal ? `${t.signal.key} ${num(t.signal.value, 2)}` : '';
  const against = t.thresholds.length ? ` against ${t.thresholds.map((x) => `${x.key} ${num(x.value, 2)}`).join(', ')}` : '';
  return `${mark} ${t.name.padEnd(12)} ${value}${against}\n      ${t.reason}`;
}

/** Render the whole dashboard. */
export function renderDashboard(d: DashboardData): string {
  const lines: string[] = [`Retraining status at ${when(d.generatedAt)}`, ''];
  const section = (title: string) => lines.push(title);
  const add = (text: string) => lines.push(`  ${text}`);

  section('Last retraining');
  const last = d.last_retraining.run;
  if (!last) add('no run yet — `npx retrain start` or `npx retrain auto --mode force`');
  else {
    add(runLine(last));
    if (last.stages.length) add(`stages: ${stagesLine(last)}`);
    const out = [last.strategy && `strategy ${last.strategy}`, last.rows !== null && `${num(last.rows)} rows`, last.verdict && `verdict ${last.verdict}`].filter(Boolean);
    if (out.length) add(out.join(', '));
    if (last.error) add(`error: ${last.error.code ? `[${last.error.code}] ` : ''}${last.error.message}`);
    if (last.reason) add(last.reason);
    const ok = d.last_retraining.lastSuccess;
    if (ok && ok.runId !== last.runId) add(`last success: ${ok.runId} (${when(ok.finishedAt)}) → ${ok.version ?? '-'}`);
  }
  lines.push('');

  section('Current model performance');
  const perf = d.current_model_performance;
  if (!perf.serving.length) add('no version serves yet');
  for (const s of perf.serving) {
    add(`${s.role.padEnd(6)} ${s.version} serves ${num(s.percentage, 1)} % since ${when(s.since)}`);
    if (s.training) {
      const t = s.training;
      add(`       trained ${when(t.createdAt)} (${t.strategy}, ${num(t.rows)} rows): mean accuracy ${num(t.summary.meanAccuracy)}, log loss ${num(t.summary.meanLogloss)}, RMSE ${num(t.summary.meanRmse)}`);
    } else if (s.note) add(`       ${s.note}`);
  }
  const live = perf.live;
  add(`live, last ${num(live.window.hours)} h${live.groups.length ? '' : ': no sessions'}`);
  for (const g of live.groups) {
    const label = g.version === null ? 'default stylesheet' : `${g.version} (${g.variant}${g.role ? `, ${g.role}` : ''})`;
    const targets = Object.entries(g.targets).map(([name, t]) => `${name.replace(/^css_class_/, '')} ${pct(t.accuracy)}`);
    add(`  ${label.padEnd(40)} ${String(g.scored).padStart(5)}/${g.sessions} scored  accuracy ${pct(g.meanAccuracy)}${g.scored ? ` (${targets.join(', ')})` : ''}`);
  }
  lines.push('');

  section('Retraining triggers (evaluated now, nothing recorded)');
  for (const t of d.retraining_triggers.triggers) add(triggerLine(t));
  const ld = d.retraining_triggers.lastDecision;
  if (ld) add(`last recorded decision ${ld.decisionId} (${ld.mode}): ${ld.shouldRetrain ? `retrain (${ld.reasons.join(', ')})` : 'no retraining'}${ld.runId ? ` → ${ld.runId}` : ''}`);
  lines.push('');

  section('Upcoming retraining');
  const up = d.upcoming_retraining;
  const next = up.nextChecks[0];
  if (next) add(`next check ${when(next)} (in ${num((Date.parse(next) - Date.parse(d.generatedAt)) / DAY_MS, 1)} days; ${up.schedule} in ${up.timeZone}), then ${up.nextChecks.slice(1).map(when).join(', ')}`);
  else add(`no next check: ${up.scheduleError ?? 'the schedule names no future instant'}`);
  add(`would decide now: ${up.decisionNow.recommendation}${up.decisionNow.blockedBy.length ? ` (held back by ${up.decisionNow.blockedBy.join(', ')})` : ''}`);
  lines.push('');

  section('Recent deployments');
  const dep = d.recent_deployments;
  if (!dep.deployments.length) add('none recorded');
  for (const x of dep.deployments.slice(0, 8)) {
    add(`${when(x.createdAt)}  ${(x.isRollback ? '↩ ' : '') + x.action}  ${x.fromVersion ?? '-'} → ${x.toVersion ?? '-'} (${num(x.percentage, 1)} %)  ${x.outcome}  ${x.reason}`);
  }
  if (dep.invalid.length) add(`${dep.invalid.length} record(s) not readable: ${dep.invalid.map((i) => `${i.id} (${i.message})`).join('; ')}`);
  lines.push('');

  section(`Performance trends (last ${num(d.performance_trends.window.days)} days)`);
  const trends = d.performance_trends;
  const bySeries = new Map<string, number[]>();
  for (const p of trends.liveAccuracy.points) bySeries.set(p.series, [...(bySeries.get(p.series) ?? []), p.accuracy]);
  if (!bySeries.size) add('live accuracy: no sessions in the window');
  for (const [series, values] of bySeries) {
    add(`${series.padEnd(40)} ${sparkline(values)}  last ${pct(values.at(-1))} (threshold ${pct(trends.liveAccuracy.thresholds[0]?.value)})`);
  }
  if (trends.runDurations.points.length) add(`run durations: ${trends.runDurations.points.map((r) => duration(r.durationMs)).join(', ')}`);
  if (trends.rowsCollected.points.length) add(`rows collected: ${trends.rowsCollected.points.map((r) => num(r.rows)).join(', ')}`);
  if (trends.versions.points.length) add(`versions (training accuracy): ${trends.versions.points.map((v) => `${v.version} ${num(v.meanAccuracy)}`).join(', ')}`);
  lines.push('');

  section('Recent runs');
  if (!d.recent_runs.length) add('none');
  for (const r of d.recent_runs.slice(0, 10)) add(runLine(r) + (r.error ? `  — ${r.error.message}` : ''));
  return lines.join('\n');
}
