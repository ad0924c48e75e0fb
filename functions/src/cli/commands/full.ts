/**
 * `retrain full`: the original `full_retrain.py` — a stratified test split, optional
 * hyperparameter search with k-fold CV, all eleven models from scratch, a new version, and
 * (with --deploy-if-better) the `current` pointer moved when it beats the current version.
 * Also the helpers `retrain incremental` shares: --data resolution, progress bars, the summary.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import { stamp } from '../../models/layout.ts';
import { sha256 } from '../../models/write-once.ts';
import type { Ports } from '../../ports/index.ts';
import { ConfigError } from '../../shared/errors.ts';
import { runFullRetrain } from '../../stages/train/full.ts';
import type { ModelValidation } from '../../stages/validate-model/model-validation.ts';
import { validateVersion } from '../../stages/validate-model/validate-version.ts';
import type { FullValidation, IncrementalValidation, ProgressFn, TrainResult } from '../../stages/train/result.ts';
import { createOutput, type Output, type Progress } from '../output.ts';
import { storeOptions, type StoreFlags } from '../options.ts';

/** Where `--data` points: a bucket path (`gs://bucket/…` or bucket-relative), or a local file. */
export function resolveData(data: string, ports: Ports, prefix = 'datasets/manual'): { dataPath: string; dataBytes?: Buffer } {
  const gs = /^gs:\/\/([^/]+)\/(.+)$/.exec(data);
  if (gs) {
    if (ports.artifacts.root !== `gs://${gs[1]}`) throw new ConfigError(`--data ${data}: the bucket is ${ports.artifacts.root}`, { data });
    return { dataPath: gs[2] };
  }
  if (existsSync(data) && statSync(data).isFile()) {
    const bytes = readFileSync(data);
    return { dataPath: `${prefix}/${sha256(bytes).slice(0, 16)}/${path.basename(data)}`, dataBytes: bytes };
  }
  if (path.isAbsolute(data) || data.startsWith('.')) throw new ConfigError(`--data ${data}: no such file`, { data });
  return { dataPath: data };
}

/** A run id for a CLI run (`--run-id` makes a rerun idempotent instead). */
export function cliRunId(at: Date): string {
  return `cli_${stamp(at)}_${randomBytes(3).toString('hex')}`;
}

/** Progress bars per phase (search, training), replaced as the phase changes. */
export function trainProgress(out: Output): { onProgress: ProgressFn; stop(): void } {
  let bar: Progress | null = null;
  let phase = '';
  const labels: Record<string, string> = { tune: 'Searching hyperparameters', train: 'Training models' };
  return {
    onProgress(p) {
      if (p.phase !== 'tune' && p.phase !== 'train') return;
      if (p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        bar = out.progress(labels[p.phase], p.total);
      }
      bar!.update(p.done, p.detail);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} %`;

/** The human summary, in the original scripts' terms. */
export function renderTrainResult(r: TrainResult): string {
  const lines = [`Status: ${r.status}${r.reason ? ` (${r.reason})` : ''}`, `Model version: ${r.model_version ?? '-'}`, `Samples used: ${r.samples_used}`];
  const v = r.validation_results;
  if (v && 'test' in v) {
    const f = v as FullValidation;
    lines.push('Validation results (held-out test split):');
    for (const [name, m] of Object.entries(f.test)) {
      const cmp = f.comparison?.perTarget[name];
      const base = m.kind === 'class' ? `log loss ${m.logloss.toFixed(4)}  accuracy ${m.accuracy.toFixed(4)}` : `rmse ${m.rmse.toFixed(4)}  mae ${m.mae.toFixed(4)}`;
      lines.push(`  ${name.padEnd(18)} ${base}${cmp === undefined ? '' : `  vs current ${pct(cmp)}`}`);
    }
    lines.push(`  mean accuracy ${f.summary.meanAccuracy.toFixed(4)}, mean log loss ${f.summary.meanLogloss.toFixed(4)}, mean rmse ${f.summary.meanRmse.toFixed(4)}`);
    if (f.comparison) lines.push(`Compared with ${f.compared_with}: improvement ${pct(f.comparison.improvement)} (threshold ${pct(f.threshold)})`);
    lines.push(`Deployed: ${f.deployed ? 'yes' : 'no'} — ${f.deploy_reason}`);
  } else if (v) {
    const i = v as IncrementalValidation;
    lines.push(`Validation results (parent ${i.parent_version} → update):`);
    for (const [name, imp] of Object.entries(i.new_data.perTarget)) {
      const old = i.old_data?.perTarget[name];
      lines.push(`  ${name.padEnd(18)} new data ${pct(imp)}${old === undefined ? '' : `   old data ${pct(old)}`}`);
    }
    lines.push(`  improvement ${pct(i.improvement)} (threshold ${pct(i.threshold)}), old data ${i.old_data ? pct(i.old_data.improvement) : 'not checked'} (limit −${(i.old_data_regression_limit * 100).toFixed(2)} %)`);
    lines.push(`Decision: ${i.accepted ? 'keep' : 'reject'} — ${i.reason}`);
    if (i.accepted) lines.push(`Deployed: ${i.deployed ? 'yes' : 'no'}`);
  }
  if (r.backup) lines.push(`Backup of the previous pointer: ${r.backup}`);
  return lines.join('\n');
}

/** The gate's verdict in a few lines. */
export function renderValidation(v: ModelValidation): string {
  const lines = [`Validation${v.comparedWith ? ` against ${v.comparedWith}` : ''}: ${v.performance_acceptable ? 'passed' : 'FAILED'}${v.reportPath ? ` — report ${v.reportPath.replace(/comparison\.json$/, 'report.html')}` : ''}`];
  for (const i of v.issues) lines.push(`  ✗ ${i}`);
  for (const w of v.warnings) lines.push(`  ! ${w}`);
  return lines.join('\n');
}

/** A commander parser of a positive integer. */
export function intArg(name: string, min = 1) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

/** A commander parser of a share in (0, 1). */
export function shareArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('must be a number between 0 and 1 (exclusive)');
  return n;
}

interface FullFlags {
  data: string;
  output?: string;
  tuneHyperparams?: boolean;
  cvFolds?: number;
  compareWithCurrent?: boolean;
  deployIfBetter?: boolean;
  runId?: string;
  config?: string;
  backend?: 'embedded' | 'cloud';
  root?: string;
  json?: boolean;
}

/** Register the command. */
export function registerFull(program: Command): void {
  const cmd = program
    .command('full')
    .description('Retrain every model from scratch on a dataset and write a new version (the original full_retrain.py)')
    .requiredOption('--data <csv>', 'dataset CSV: a local file, a bucket path (datasets/<run>/x.csv) or gs://bucket/path')
    .option('--output <prefix>', 'models prefix in the bucket (default: pipeline.layout.modelsPrefix, "models")')
    .option('--tune-hyperparams', 'search hyperparameters with k-fold CV (successive halving, strategies.full.tuningBudgetSeconds)')
    .option('--cv-folds <k>', 'folds of the search (default: strategies.full.cvFolds, 5)', intArg('--cv-folds', 2))
    .option('--compare-with-current', 'evaluate the current version on the same held-out rows, run the validation gate and store the comparison report under <reportsPrefix>/<run id>/')
    .option('--deploy-if-better', 'move the current pointer when the new version wins by strategies.full.minImprovementThreshold')
    .option('--run-id <id>', 'run id (a rerun with the same id returns the same version)');
  storeOptions(cmd, { backend: 'embedded (folder store, the default) or cloud (Cloud Storage); else RETRAIN_BACKEND' })
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  retrain full --data data/production_data.csv',
        '  retrain full --data datasets/run_20261127/production_data.csv --tune-hyperparams --cv-folds 5',
        '  retrain full --data data/production_data.csv --compare-with-current --deploy-if-better --json',
      ].join('\n'),
    )
    .action(async (flags: FullFlags) =>
      runTrainingCommand(
        flags,
        (ports, config) => `Full retrain on ${flags.data} → ${ports.artifacts.root}/${flags.output ?? config.pipeline.layout.modelsPrefix}/`,
        (ports, config, common) =>
          runFullRetrain(ports, config, {
            ...common,
            prefix: flags.output,
            tune: !!flags.tuneHyperparams,
            cvFolds: flags.cvFolds,
            compareWithCurrent: !!flags.compareWithCurrent,
            deployIfBetter: !!flags.deployIfBetter,
          }),
      ),
    );
}

/** What both training commands pass to their stage: the data, the run id, the config hash, progress. */
export type CommonTrainOptions = ReturnType<typeof resolveData> & { runId: string; configHash: string; onProgress: ProgressFn };

/**
 * The shared body of `retrain full` and `retrain incremental`: open the ports, resolve the data,
 * run the stage with a progress bar, print the result in the original's shape, close the ports.
 */
export async function runTrainingCommand<R extends TrainResult & { manifest?: unknown }>(
  flags: StoreFlags & { data: string; runId?: string; compareWithCurrent?: boolean },
  describe: (ports: Ports, config: RetrainingConfig) => string,
  run: (ports: Ports, config: RetrainingConfig, common: CommonTrainOptions) => Promise<R>,
): Promise<void> {
  const out = createOutput({ json: flags.json });
  const { config, hash } = loadConfig(flags.config);
  const ports = await openPorts(config, { backend: flags.backend, root: flags.root });
  const progress = trainProgress(out);
  try {
    const data = resolveData(flags.data, ports, config.pipeline.layout.datasetsPrefix + '/manual');
    out.info(describe(ports, config));
    const runId = flags.runId ?? cliRunId(ports.clock.now());
    const { manifest: _m, ...result } = await run(ports, config, { ...data, runId, configHash: hash, onProgress: progress.onProgress });
    progress.stop();
    // --compare-with-current: the validation gate and the stored comparison report, as the trainer writes them.
    const checked = flags.compareWithCurrent && result.model_version ? await validateVersion(ports.artifacts, config, { version: result.model_version, runId, now: ports.clock.now() }) : null;
    const shown = checked ? { ...result, model_validation: checked.validation, report_path: checked.validation.reportPath } : result;
    out.result(shown, () => renderTrainResult(result) + (checked ? `\n${renderValidation(checked.validation)}` : ''));
  } finally {
    progress.stop();
    await closePorts(ports);
  }
}
