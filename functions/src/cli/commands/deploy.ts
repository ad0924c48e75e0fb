/**
 * `retrain deploy <version>`: put a version in front of users — at once, after the safety gate,
 * or as a canary for a share of them — through the deploy stage (one compare-and-swap write of
 * the serving state and a deployment record). Also the helpers `retrain rollback` shares: who the
 * CLI user is, and how a deployment result reads.
 */
import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { clockFrom } from '../../ports/clock.ts';
import { loadConfig } from '../../config/load.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { consoleSink, createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import type { DeploymentResult } from '../../stages/deploy/commit.ts';
import { deploy, type DeploymentStrategy } from '../../stages/deploy/deploy.ts';
import type { Actor } from '../../stages/deploy/deployment-record.ts';
import { validationGate } from '../../stages/deploy/validation-gate.ts';
import { ConfigError } from '../../shared/errors.ts';
import { ExitStatus, createOutput } from '../output.ts';
import { storeOptions, type StoreFlags } from '../options.ts';

/** The person behind a CLI deployment (`cli:<user>`), for the record's actor. */
export function cliActor(): Actor {
  let name = process.env.USER ?? process.env.USERNAME ?? '';
  try {
    name ||= userInfo().username;
  } catch {
    // No passwd entry (some containers): the record says `cli` only.
  }
  return { kind: 'cli', id: name || 'cli' };
}

/** Commander parser of a canary percentage in (0, 100). */
export function percentageArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 100)) throw new InvalidArgumentError('must be a number between 0 and 100 (exclusive)');
  return n;
}

function strategyArg(v: string): DeploymentStrategy {
  if (v === 'immediate' || v === 'safe' || v === 'canary') return v;
  throw new InvalidArgumentError('expected immediate, safe or canary');
}

/** A deployment result, readably. */
export function renderDeploymentResult(r: DeploymentResult): string {
  const s = r.state;
  const serving = s ? `now serving ${s.version} to everyone${s.canary ? ` except the ${s.canary.percentage} % canary on ${s.canary.version}` : ''}` : 'no serving state';
  const rec = r.record;
  const head = rec ? `${rec.outcome.toUpperCase()}: ${rec.action} ${rec.fromVersion ?? '-'} → ${rec.toVersion ?? '-'} (deployment ${rec.deploymentId}${r.replayed ? ', recorded earlier' : ''})` : `${r.outcome.toUpperCase()}`;
  return [head, `  reason: ${r.reason}`, `  ${serving}`].join('\n');
}

/** Fail the command (exit 1) when the result is a refusal or a lost race; the result was printed. */
export function exitOnRefusal(r: DeploymentResult): void {
  if (r.outcome === 'rejected' || r.outcome === 'conflict') throw new ExitStatus(1);
}

/** Open the ports of a store command, run, close; `log` prints pipeline events unless --json. */
export async function withStore<T>(flags: StoreFlags & { at?: Date | string }, work: (ports: Ports, config: RetrainingConfig, log: PipelineLogger) => Promise<T>): Promise<T> {
  const { config } = loadConfig(flags.config);
  // `--at` sets the ports' clock, so the records a command writes carry the replayed instant.
  const ports = await openPorts(config, { backend: flags.backend, root: flags.root, clock: flags.at === undefined ? undefined : clockFrom(flags.at) });
  const log = createLogger(flags.json ? silentSink : consoleSink());
  try {
    return await work(ports, config, log);
  } finally {
    await closePorts(ports);
  }
}

interface DeployFlags extends StoreFlags {
  strategy?: DeploymentStrategy;
  percentage?: number;
  reason?: string;
}

/** Register the command. */
export function registerDeploy(program: Command): void {
  const cmd = program
    .command('deploy')
    .description('Serve a model version: immediately, after the safety gate (safe), or to a share of users first (canary)')
    .argument('<version>', 'version name, e.g. v_20261127_080000')
    .option('--strategy <name>', 'immediate | safe | canary (default: deployment.strategy)', strategyArg)
    .option('--percentage <n>', 'canary share of users in percent, 0 < n < 100 (default: deployment.canaryPercentage)', percentageArg)
    .option('--reason <text>', 'why, for the deployment record');
  storeOptions(cmd)
    .addHelpText(
      'after',
      [
        '',
        'Every change is one compare-and-swap write of models/current.json plus a deployment record;',
        'a version that fails verification is refused. Exit 1 when refused or when another deployment won.',
        '',
        'Examples:',
        '  retrain deploy v_20261127_080000 --strategy immediate --reason "hotfix"',
        '  retrain deploy v_20261204_020000 --strategy canary --percentage 10',
        '  retrain deploy v_20261204_020000 --strategy canary --percentage 25   # widen: users already on it stay',
        '  retrain deploy v_20261204_020000 --strategy safe --json',
      ].join('\n'),
    )
    .action(async (version: string, flags: DeployFlags) => {
      const out = createOutput({ json: flags.json });
      const result = await withStore(flags, async (ports, config, log) => {
        const strategy = flags.strategy ?? config.deployment.strategy;
        if (flags.percentage !== undefined && strategy !== 'canary') throw new ConfigError(`--percentage applies to the canary strategy, not ${strategy}`);
        return await deploy(ports, config, { version, strategy, percentage: flags.percentage, reason: flags.reason, actor: cliActor(), gate: validationGate(ports, config), log });
      });
      out.result(result, renderDeploymentResult);
      exitOnRefusal(result);
    });
}
