/**
 * `retrain deployments list | show <id> | watch`: the deployment history (one record per change
 * of what users are served, with who, why and the numbers), one record in full, and one pass of
 * the canary watcher — the same verdict the hourly `canaryWatcher` function reaches.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { NotFoundError } from '../../shared/errors.ts';
import type { DeploymentRecord } from '../../stages/deploy/deployment-record.ts';
import { getDeployment, listDeployments } from '../../stages/deploy/deployment-store.ts';
import { watchDeployments, type WatchResult } from '../../stages/deploy/watch.ts';
import { createOutput } from '../output.ts';
import { storeOptions, type StoreFlags } from '../options.ts';
import { intArg } from './full.ts';
import { withStore } from './deploy.ts';

function line(r: DeploymentRecord): string {
  const actor = `${r.actor.kind}:${r.actor.id}`;
  return `${r.createdAt.slice(0, 19)}Z  ${r.deploymentId.padEnd(34)} ${r.action.padEnd(12)} ${(r.fromVersion ?? '-').padEnd(24)} → ${(r.toVersion ?? '-').padEnd(24)} ${String(r.percentage).padStart(5)} %  ${r.outcome.padEnd(11)} ${actor}  ${r.reason}`;
}

/** One record in full, readably. */
export function renderRecord(r: DeploymentRecord): string {
  return [
    `${r.deploymentId}: ${r.action} ${r.fromVersion ?? '-'} → ${r.toVersion ?? '-'} — ${r.outcome}`,
    `  strategy   ${r.strategy ?? '-'}, ${r.percentage} % of users on ${r.toVersion ?? '-'}`,
    `  by         ${r.actor.kind} ${r.actor.id}${r.runId ? ` (run ${r.runId})` : ''}`,
    `  at         ${r.createdAt}${r.updatedAt !== r.createdAt ? ` (updated ${r.updatedAt})` : ''}`,
    `  reason     ${r.reason}`,
    ...(r.reportPath ? [`  report     ${r.reportPath}`] : []),
    `  metrics    ${JSON.stringify(r.metrics, null, 2).replaceAll('\n', '\n             ')}`,
  ].join('\n');
}

function renderWatch(w: WatchResult): string {
  const s = w.state;
  const head = s.problem
    ? `serving state unreadable: ${s.problem} (repair: retrain rollback --to <version>)`
    : `at ${w.at}: serving ${s.version ?? '(nothing)'}${s.canary ? `, canary ${s.canary}` : ''}`;
  if (!w.decisions.length) return `${head}\nnothing under watch`;
  return [head, ...w.decisions.map((d) => `${d.kind} ${d.version} vs ${d.baselineVersion}: ${d.verdict.toUpperCase()} (${d.elapsedHours} h)\n  ${d.reason}${d.result ? `\n  → ${d.result.outcome}${d.result.deploymentId ? ` (deployment ${d.result.deploymentId})` : ''}` : ''}`)].join('\n');
}

function instantArg(v: string): Date {
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected an ISO 8601 date-time');
  return new Date(t);
}

/** Register the command group. */
export function registerDeployments(program: Command): void {
  const group = program.command('deployments').description('The deployment history, one record, or a canary watcher pass');

  storeOptions(group.command('list').description('Deployment records, newest first').option('--limit <n>', 'at most this many (default 50)', intArg('--limit')))
    .addHelpText('after', '\nExamples:\n  retrain deployments list\n  retrain deployments list --limit 5 --json')
    .action(async (flags: StoreFlags & { limit?: number }) => {
      const out = createOutput({ json: flags.json });
      const { records, invalid } = await withStore(flags, (ports, config) => listDeployments(ports, config, { limit: flags.limit ?? 50 }));
      if (invalid.length) out.warn(`skipped ${invalid.length} record(s) that do not match the deployment schema: ${invalid.join(', ')}`);
      out.result({ deployments: records, invalid }, () => (records.length ? records.map(line).join('\n') : 'No deployments yet.'));
    });

  storeOptions(group.command('show').description('One deployment record in full, with the numbers it was decided on').argument('<id>', 'deployment id, e.g. dep_20261127_080000_3fa9c1'))
    .addHelpText('after', '\nExamples:\n  retrain deployments show dep_20261127_080000_3fa9c1\n  retrain deployments show dep_run_20261130T020000Z_scheduled --json')
    .action(async (id: string, flags: StoreFlags) => {
      const out = createOutput({ json: flags.json });
      const record = await withStore(flags, (ports, config) => getDeployment(ports, config, id));
      if (!record) throw new NotFoundError(`No deployment record ${id}`, { stage: 'deploy', details: { id } });
      out.result(record, renderRecord);
    });

  storeOptions(group.command('watch').description('Judge the canary (or a fresh promotion) on live metrics now: promote, roll back, or wait').option('--at <iso>', 'judge as of this instant (default: now)', instantArg))
    .addHelpText(
      'after',
      [
        '',
        'Promotes a canary not significantly worse than the stable version on any class target after',
        'deployment.monitoringHours with deployment.minCanarySessions scored sessions; rolls back at once',
        'when it is significantly worse (deployment.rollbackEnabled).',
        '',
        'Examples:',
        '  retrain deployments watch',
        '  retrain deployments watch --at 2026-12-05T02:00:00Z --json',
      ].join('\n'),
    )
    .action(async (flags: StoreFlags & { at?: Date }) => {
      const out = createOutput({ json: flags.json });
      const result = await withStore(flags, (ports, config, log) => watchDeployments(ports, config, { now: flags.at, actor: { kind: 'watcher', id: 'retrain deployments watch' }, log }));
      out.result(result, renderWatch);
    });
}
