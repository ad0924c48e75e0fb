/**
 * `retrain evaluate`: score one model version on a CSV — every target on the rows where it is
 * known, with the version's own scaler and labels — and print the per-target metrics, latency
 * and size.
 */
import type { Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import { evaluateModel } from '../../stages/evaluate/evaluate.ts';
import type { EvaluationReport } from '../../stages/evaluate/evaluation-report.ts';
import { resolveModel } from '../../stages/evaluate/model-ref.ts';
import { createOutput } from '../output.ts';
import { storeOptions, type StoreFlags } from '../options.ts';
import { resolveData } from './full.ts';

interface EvaluateFlags extends StoreFlags {
  model: string;
  data: string;
}

const f4 = (v: number) => v.toFixed(4);

/** The human rendering of an evaluation. */
export function renderEvaluation(r: EvaluationReport): string {
  const lines = [`${r.version} on ${r.data.path} (${r.rows} rows)   [${r.source}]`, ''];
  lines.push(`${'target'.padEnd(18)} ${'rows'.padStart(6)} ${'skip'.padStart(5)}  metrics`);
  for (const [name, t] of Object.entries(r.targets)) {
    const head = `${name.padEnd(18)} ${String(t.rows).padStart(6)} ${String(t.skipped).padStart(5)}  `;
    if (t.kind === 'class') {
      lines.push(`${head}acc ${f4(t.accuracy)}  bal ${f4(t.balancedAccuracy)}  F1 ${f4(t.macroF1)}  logloss ${f4(t.logloss)}  brier ${f4(t.brier)}  ece ${f4(t.ece)}`);
    } else {
      lines.push(`${head}rmse ${f4(t.rmse)}  mae ${f4(t.mae)}  R² ${f4(t.r2)}  residual p05…p95 ${f4(t.residualQuantiles.p05)}…${f4(t.residualQuantiles.p95)}`);
    }
  }
  lines.push('', `mean accuracy ${f4(r.summary.meanAccuracy)}, mean log loss ${f4(r.summary.meanLogloss)}, mean RMSE ${f4(r.summary.meanRmse)}`);
  lines.push(`latency (11 models, warm): ${r.latency.p50MsPer1k} ms per 1,000 rows (p95 ${r.latency.p95MsPer1k}), ${r.latency.p50MsPerRow} ms per session`);
  lines.push(`size: ${(r.size.bytes / 1024).toFixed(0)} KiB in ${r.size.files} files, ${r.size.trees} trees`);
  return lines.join('\n');
}

/** Register the command. */
export function registerEvaluate(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description('Score a model version on a CSV: per-target accuracy, F1, log loss, calibration, RMSE, R², latency, size')
    .requiredOption('--model <ref>', 'a version name (v_YYYYMMDD_HHMMSS), current, a bucket path (models/v_…, gs://bucket/models/v_…) or a local version folder')
    .requiredOption('--data <csv>', 'CSV with the feature and target columns: a local file, a bucket path or gs://bucket/path (an empty target cell is skipped for that target)');
  storeOptions(cmd)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  retrain evaluate --model current --data data/week48.csv',
        '  retrain evaluate --model v_20261127_080000 --data datasets/run_20261130T020000Z_scheduled/production_data.csv --json',
        '  retrain evaluate --model ./.retrain/bucket/models/v_20261127_080000 --data week48.csv',
      ].join('\n'),
    )
    .action(async (flags: EvaluateFlags) => {
      const out = createOutput({ json: flags.json });
      const { config } = loadConfig(flags.config);
      const ports = await openPorts(config, { backend: flags.backend, root: flags.root });
      try {
        const model = await resolveModel(ports.artifacts, config, flags.model);
        const data = resolveData(flags.data, ports, config.pipeline.layout.datasetsPrefix + '/manual');
        out.info(`Evaluating ${model.bundle.version} on ${flags.data}`);
        const { report } = await evaluateModel(ports.artifacts, model, { path: data.dataPath, bytes: data.dataBytes }, { now: ports.clock.now() });
        out.result(report, renderEvaluation);
      } finally {
        await closePorts(ports);
      }
    });
}
