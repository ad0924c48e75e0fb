/**
 * `retrain incremental`: the original `incremental_retrain.py` — continue the current version's
 * models on new data and keep the update only when it is measurably better without forgetting.
 */
import type { Command } from 'commander';
import { runIncrementalRetrain } from '../../stages/train/incremental.ts';
import { intArg, runTrainingCommand, shareArg } from './full.ts';
import { storeOptions } from '../options.ts';

interface IncrementalFlags {
  data: string;
  models: string;
  minSamples?: number;
  validationSplit?: number;
  backupCurrent?: boolean;
  promote: boolean;
  compareWithCurrent?: boolean;
  runId?: string;
  config?: string;
  backend?: 'embedded' | 'cloud';
  root?: string;
  json?: boolean;
}

/** Register the command. */
export function registerIncremental(program: Command): void {
  const cmd = program
    .command('incremental')
    .description('Update the current version with new data, keeping it only when it improves (the original incremental_retrain.py)')
    .requiredOption('--data <csv>', 'new data CSV: a local file, a bucket path (datasets/<run>/x.csv) or gs://bucket/path')
    .option('--models <prefix>', 'models prefix in the bucket', 'models/')
    .option('--min-samples <n>', 'skip with fewer rows (default: strategies.incremental.minSamples, 100)', intArg('--min-samples'))
    .option('--validation-split <share>', 'share of the new rows held out (default: strategies.incremental.validationSplit, 0.2)', shareArg)
    .option('--backup-current', 'record the current pointer and its manifest under <models>/backups/ before changing anything')
    .option('--no-promote', 'write an accepted update without moving the current pointer')
    .option('--compare-with-current', 'run the validation gate against the parent and store the comparison report under <reportsPrefix>/<run id>/')
    .option('--run-id <id>', 'run id (a rerun with the same id returns the same version)');
  storeOptions(cmd, { backend: 'embedded (folder store, the default) or cloud (Cloud Storage); else RETRAIN_BACKEND' })
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  retrain incremental --data data/production_data.csv --backup-current',
        '  retrain incremental --data datasets/run_20261127/production_data.csv --min-samples 500 --json',
      ].join('\n'),
    )
    .action(async (flags: IncrementalFlags) =>
      runTrainingCommand(
        flags,
        (ports) => `Incremental update on ${flags.data} (${ports.artifacts.root}/${flags.models})`,
        (ports, config, common) =>
          runIncrementalRetrain(ports, config, {
            ...common,
            prefix: flags.models,
            minSamples: flags.minSamples,
            validationSplit: flags.validationSplit,
            backupCurrent: !!flags.backupCurrent,
            promote: flags.promote,
          }),
      ),
    );
}
