/**
 * `retrain compare`: the original `compare_models.py` — two versions on the same rows, per
 * target the metrics of both, the difference, a paired significance test (Holm-corrected), and
 * compatibility, consistency and latency; optionally charts and an exported report.
 */
import type { Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import path from 'node:path';
import { compareModels } from '../../stages/compare/compare-models.ts';
import { exportComparisonReport } from '../../stages/compare/export-report.ts';
import type { ReportDestination } from '../../stages/compare/report-destination.ts';
import type { ComparisonReport } from '../../stages/compare/comparison-report.ts';
import { createOutput } from '../output.ts';
import { storeOptions, type StoreFlags } from '../options.ts';
import { resolveData } from './full.ts';

interface CompareFlags extends StoreFlags {
  modelA: string;
  modelB: string;
  testData: string;
  generatePlots?: boolean;
  exportReport?: string | boolean;
}

const signed = (v: number, digits = 4) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
const p = (v: number) => (v < 0.0001 ? '<0.0001' : v.toFixed(4));

/** The human rendering of a comparison. */
export function renderComparison(r: ComparisonReport): string {
  const lines = [`A = ${r.model_a.version}   B = ${r.model_b.version}   on ${r.data.path} (${r.rows} rows)`, ''];
  lines.push(`${'target'.padEnd(18)} ${'metric'.padEnd(9)} ${'A'.padStart(8)} ${'B'.padStart(8)} ${'B−A'.padStart(9)}  ${'test'.padEnd(16)} ${'p'.padStart(8)} ${'p(Holm)'.padStart(8)}  winner`);
  for (const [name, t] of Object.entries(r.targets)) {
    const va = t.a.kind === 'class' ? t.a.accuracy : t.a.kind === 'var' ? t.a.rmse : 0;
    const vb = t.b.kind === 'class' ? t.b.accuracy : t.b.kind === 'var' ? t.b.rmse : 0;
    lines.push(
      `${name.padEnd(18)} ${t.metric.padEnd(9)} ${va.toFixed(4).padStart(8)} ${vb.toFixed(4).padStart(8)} ${signed(vb - va).padStart(9)}  ${t.test.padEnd(16)} ${p(t.p_value).padStart(8)} ${p(t.p_value_adjusted).padStart(8)}  ${t.winner === 'none' ? '-' : t.winner.toUpperCase()}${t.significant ? ' *' : ''}`,
    );
  }
  lines.push('');
  lines.push(`mean accuracy A ${r.means.a.meanAccuracy.toFixed(4)}  B ${r.means.b.meanAccuracy.toFixed(4)};  mean RMSE A ${r.means.a.meanRmse.toFixed(4)}  B ${r.means.b.meanRmse.toFixed(4)}`);
  const changed = Object.entries(r.consistency).filter(([, c]) => c.changedShare !== null).map(([n, c]) => `${n.replace('css_class_', '')} ${((c.changedShare ?? 0) * 100).toFixed(1)} %`);
  lines.push(`predicted class changes: ${changed.join(', ')}`);
  lines.push(`latency per 1,000 rows: A ${r.latency.a.p50MsPer1k} ms, B ${r.latency.b.p50MsPer1k} ms`);
  lines.push(`compatible: ${r.compatibility.compatible ? 'yes' : `NO — ${r.compatibility.reasons.join('; ')}`}`);
  lines.push(`verdict: ${r.summary.winner === 'none' ? 'no winner' : `${r.summary.winner.toUpperCase()} wins`} — ${r.summary.verdict}`);
  if (r.report) lines.push(`report: ${r.report.html ?? r.report.markdown} (json ${r.report.json})`);
  return lines.join('\n');
}

/** Register the command. */
export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description('Compare two model versions on the same rows with per-target significance tests (the original compare_models.py)')
    .requiredOption('--model-a <ref>', 'the baseline: a version name, current, a bucket path or a local version folder')
    .requiredOption('--model-b <ref>', 'the candidate, in the same forms')
    .requiredOption('--test-data <csv>', 'CSV scored by both: a local file, a bucket path or gs://bucket/path')
    .option('--generate-plots', 'draw the charts (confusion matrices, calibration, differences with intervals, residuals, importance, class distributions)')
    .option('--export-report [dir]', 'write comparison.json, summary.md (and report.html + charts/ with --generate-plots) to a local dir, or without dir to <pipeline.layout.reportsPrefix>/<a>-vs-<b>/ in the bucket');
  storeOptions(cmd)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  retrain compare --model-a current --model-b v_20261130_020000 --test-data data/week48.csv',
        '  retrain compare --model-a v_20261123_020000 --model-b v_20261130_020000 --test-data data/week48.csv --generate-plots --export-report out/',
        '  retrain compare --model-a current --model-b ./candidate/v_20261130_020000 --test-data week48.csv --json',
      ].join('\n'),
    )
    .action(async (flags: CompareFlags) => {
      const out = createOutput({ json: flags.json });
      const { config } = loadConfig(flags.config);
      const ports = await openPorts(config, { backend: flags.backend, root: flags.root });
      try {
        const data = resolveData(flags.testData, ports, config.pipeline.layout.datasetsPrefix + '/manual');
        out.info(`Comparing ${flags.modelA} (A) with ${flags.modelB} (B) on ${flags.testData}`);
        let { report } = await compareModels(ports.artifacts, config, { modelA: flags.modelA, modelB: flags.modelB, data: { path: data.dataPath, bytes: data.dataBytes }, now: ports.clock.now() });
        if (flags.exportReport !== undefined || flags.generatePlots) {
          const dest: ReportDestination =
            typeof flags.exportReport === 'string'
              ? { kind: 'dir', dir: path.resolve(flags.exportReport) }
              : { kind: 'store', store: ports.artifacts, prefix: `${config.pipeline.layout.reportsPrefix}/${report.model_a.version}-vs-${report.model_b.version}` };
          report = await exportComparisonReport(report, dest, { plots: !!flags.generatePlots, onWarning: (m) => out.warn(m) });
          out.info(`Report written to ${dest.kind === 'dir' ? dest.dir : `${ports.artifacts.root}/${dest.prefix}`}`);
        }
        out.result(report, renderComparison);
      } finally {
        await closePorts(ports);
      }
    });
}
