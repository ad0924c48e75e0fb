/**
 * `retrain rollback`: in one call, everyone back on a verified version — the stable version when
 * a canary runs, else the previous stable one, or the version named with `--to`. Works when
 * `models/current.json` itself is unreadable, which makes it the one command that repairs a
 * damaged serving state.
 */
import type { Command } from 'commander';
import { rollback } from '../../stages/deploy/rollback.ts';
import { createOutput } from '../output.ts';
import { storeOptions, type StoreFlags } from '../options.ts';
import { cliActor, exitOnRefusal, renderDeploymentResult, withStore } from './deploy.ts';

interface RollbackFlags extends StoreFlags {
  to?: string;
  reason?: string;
}

/** Register the command. */
export function registerRollback(program: Command): void {
  const cmd = program
    .command('rollback')
    .description('Serve an earlier version to everyone: end the canary, or go back to the previous stable version (or --to a version)')
    .option('--to <version>', 'the version to serve (default: the stable version when a canary runs, else the previous one)')
    .option('--reason <text>', 'why, for the deployment record');
  storeOptions(cmd)
    .addHelpText(
      'after',
      [
        '',
        'The target must verify against its manifest; a damaged version is refused (exit 1).',
        '',
        'Examples:',
        '  retrain rollback                                   # end the canary / back to the previous version',
        '  retrain rollback --to v_20261127_080000 --reason "theme regression"',
        '  retrain rollback --to v_20261127_080000 --json     # also repairs an unreadable current.json',
      ].join('\n'),
    )
    .action(async (flags: RollbackFlags) => {
      const out = createOutput({ json: flags.json });
      const result = await withStore(flags, (ports, config, log) => rollback(ports, config, { to: flags.to, reason: flags.reason, actor: cliActor(), log }));
      out.result(result, renderDeploymentResult);
      exitOnRefusal(result);
    });
}
