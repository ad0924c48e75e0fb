/** The `retrain` command: one program, one file per subcommand under `commands/`. */
import { Command, CommanderError } from 'commander';
import { registerAccess } from './commands/access.ts';
import { registerAuto } from './commands/auto.ts';
import { registerCollect } from './commands/collect.ts';
import { registerConfig } from './commands/config.ts';
import { registerDashboard } from './commands/dashboard.ts';
import { registerFull } from './commands/full.ts';
import { registerIncremental } from './commands/incremental.ts';
import { registerModels } from './commands/models.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerStart } from './commands/start.ts';
import { registerStatus } from './commands/status.ts';
import { registerXgb } from './commands/xgb.ts';
import { reportError } from './output.ts';

/** Build the program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command('retrain')
    .description('Adaptive UI model retraining pipeline: simulate, collect, train, decide — on Firebase or on one machine')
    .showHelpAfterError()
    .exitOverride();
  // In pipeline order: the main job, data, training, the registry, the chain, watching it, the engine, config.
  registerStart(program);
  registerSimulate(program);
  registerCollect(program);
  registerFull(program);
  registerIncremental(program);
  registerModels(program);
  registerAuto(program);
  registerStatus(program);
  registerDashboard(program);
  registerAccess(program);
  registerXgb(program);
  registerConfig(program);
  return program;
}

/** Run the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // Help and version exit 0; any other commander error is a bad flag or argument: exit 2.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    return reportError(err, json);
  }
}
