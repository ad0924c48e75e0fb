/** The `retrain` command: one program, one file per subcommand under `commands/`. */
import { Command, CommanderError } from 'commander';
import { registerAuto } from './commands/auto.ts';
import { registerCollect } from './commands/collect.ts';
import { registerConfig } from './commands/config.ts';
import { registerFull } from './commands/full.ts';
import { registerIncremental } from './commands/incremental.ts';
import { registerModels } from './commands/models.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerStart } from './commands/start.ts';
import { registerXgb } from './commands/xgb.ts';
import { reportError } from './output.ts';

/** Build the program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command('retrain')
    .description('Adaptive UI model retraining pipeline: simulate, collect, train, compare, decide, deploy')
    .showHelpAfterError()
    .exitOverride();
  registerConfig(program);
  registerAuto(program);
  registerStart(program);
  registerCollect(program);
  registerSimulate(program);
  registerXgb(program);
  registerIncremental(program);
  registerFull(program);
  registerModels(program);
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
    if (err instanceof CommanderError) return err.exitCode;
    return reportError(err, json);
  }
}
