/** The `retrain` command: one program, one file per subcommand under `commands/`. */
import { Command, CommanderError } from 'commander';
import { registerAccess } from './commands/access.ts';
import { registerAuto } from './commands/auto.ts';
import { registerCollect } from './commands/collect.ts';
import { registerCompare } from './commands/compare.ts';
import { registerConfig } from './commands/config.ts';
import { registerEvaluate } from './commands/evaluate.ts';
import { registerDeploy } from './commands/deploy.ts';
import { registerDeployments } from './commands/deployments.ts';
import { registerDashboard } from './commands/dashboard.ts';
import { registerFull } from './commands/full.ts';
import { registerGc } from './commands/gc.ts';
import { registerIncremental } from './commands/incremental.ts';
import { registerModels } from './commands/models.ts';
import { registerReplay } from './commands/replay.ts';
import { registerRollback } from './commands/rollback.ts';
import { registerRollup } from './commands/rollup.ts';
import { registerServe } from './commands/serve.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerStart } from './commands/start.ts';
import { registerStatus } from './commands/status.ts';
import { registerXgb } from './commands/xgb.ts';
import { ExitStatus, reportError } from './output.ts';

/** Build the program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command('retrain')
    .description('Adaptive UI model retraining pipeline: simulate, collect, train, decide, deploy, serve — on Firebase or on one machine')
    .showHelpAfterError()
    .exitOverride();
  // In pipeline order: the main job, data, training, the registry, deployment and serving, the chain, watching it, the engine, config.
  registerStart(program);
  registerSimulate(program);
  registerCollect(program);
  registerFull(program);
  registerIncremental(program);
  registerModels(program);
  registerEvaluate(program);
  registerCompare(program);
  registerDeploy(program);
  registerRollback(program);
  registerDeployments(program);
  registerServe(program);
  registerAuto(program);
  registerReplay(program);
  registerRollup(program);
  registerStatus(program);
  registerDashboard(program);
  registerAccess(program);
  registerXgb(program);
  registerConfig(program);
  registerGc(program);
  return program;
}

/**
 * Run the CLI with `argv` (without node and script); resolves with the exit code: 0 success or
 * nothing to do, 1 a failure (a failed run, bad data), 2 bad usage (an unknown flag, a bad config).
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // Help and version exit 0; any other commander error is a bad flag or argument: exit 2.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ExitStatus) return err.code;
    return reportError(err, json);
  }
}
