/**
 * `retrain collect` (alias `npm run collect_production_data`): the original
 * `collect_production_data.py` — sessions of a window → dataset CSV, optionally with its
 * validation report and metadata. Same flags and defaults as the original.
 */
import { Command, InvalidArgumentError } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import { RetrainingConfigSchema, type RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { ConfigError, DataError } from '../../shared/errors.ts';
import { consoleSink, createLogger, silentSink } from '../../shared/logger.ts';
import { collect, type CollectResult } from '../../stages/collect/collect.ts';
import { artifactTarget, fileTarget, type DatasetTarget } from '../../stages/collect/dataset-target.ts';
import { resolveWindow } from '../../stages/collect/window.ts';
import { createOutput, type Progress } from '../output.ts';
import { storeOptions } from '../options.ts';

/** The schema's defaults, for help texts (the values used come from the loaded config). */
const SCHEMA_DEFAULTS = RetrainingConfigSchema.parse({});

interface CollectFlags {
  startDate?: string;
  endDate?: string;
  daysBack: number;
  output: string;
  /** Absent: `dataCollection.minSessionDurationMs` of the loaded config. */
  minSessionDuration?: number;
  validate?: boolean;
  exportMetadata?: boolean;
  maxSamples?: number;
  config?: string;
  backend?: 'embedded' | 'cloud';
  root?: string;
  json?: boolean;
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return n;
  };
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** `gs://bucket/path/x.csv` → bucket and path; null for a local path. */
export function parseGsUrl(output: string): { bucket: string; path: string } | null {
  if (!output.startsWith('gs://')) return null;
  const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(output);
  if (!m || m[2].endsWith('/')) throw new ConfigError(`--output: expected gs://bucket/path/name.csv, got ${output}`, { output });
  return { bucket: m[1], path: m[2] };
}

/** The dataset target of `--output`, and the extra ports opened for it (closed by the caller). */
async function targetOf(output: string, config: RetrainingConfig, ports: Ports): Promise<{ target: DatasetTarget; extra: Ports | null }> {
  const gs = parseGsUrl(output);
  if (!gs) return { target: fileTarget(output), extra: null };
  if (ports.artifacts.root === `gs://${gs.bucket}`) return { target: artifactTarget(ports.artifacts, gs.path), extra: null };
  const extra = await openPorts({ ...config, pipeline: { ...config.pipeline, bucket: gs.bucket } }, { backend: 'cloud' });
  return { target: artifactTarget(extra.artifacts, gs.path), extra };
}

function humanSummary(r: CollectResult, flags: CollectFlags): string {
  const m = r.metadata;
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `Collected ${n(m.total_samples)} samples from ${n(m.logs_read)} logs (${m.start_date} → ${m.end_date}, sessions ≥ ${m.min_session_duration} ms)${m.reached_max_samples ? `, stopped at --max-samples ${n(m.max_samples)}` : ''}`,
  ];
  const skipped = Object.entries(m.skipped);
  if (skipped.length) {
    lines.push(`Skipped ${n(r.report.skipped.total)}:`);
    for (const [reason, count] of skipped) lines.push(`  ${reason.padEnd(44)} ${n(count)}`);
  }
  lines.push(`Validation: ${r.report.verdict.toUpperCase()}`);
  for (const reason of r.report.reasons) lines.push(`  - ${reason}`);
  if (flags.validate) {
    for (const [column, labels] of Object.entries(r.report.classBalance)) {
      lines.push(`  ${column}: ${Object.entries(labels).map(([l, v]) => `${l} ${(v.share * 100).toFixed(1)} %`).join(', ')}`);
    }
    const missing = r.report.columns.filter((c) => c.missing > 0);
    if (missing.length) lines.push(`  missing: ${missing.map((c) => `${c.column} (${c.name}) ${(c.missingShare * 100).toFixed(1)} %`).join(', ')}`);
    for (const e of r.report.skipped.examples) lines.push(`  e.g. ${e.id}: ${e.reason}${e.message ? ` — ${e.message}` : ''}`);
  }
  lines.push(`Saved ${r.csvPath} (${n(m.csv.bytes)} bytes, sha256 ${m.csv.sha256.slice(0, 12)}…)`);
  if (r.reportPath) lines.push(`Validation report: ${r.reportPath}`);
  if (r.metadataPath) lines.push(`Metadata: ${r.metadataPath}`);
  return lines.join('\n');
}

/** Register the command. */
export function registerCollect(program: Command): void {
  const cmd = program
    .command('collect')
    .description('Collect production sessions of a window into a training dataset CSV (the original collect_production_data.py)')
    .option('--start-date <YYYY-MM-DD>', 'first day collected (UTC); default: --days-back before the end')
    .option('--end-date <YYYY-MM-DD>', 'last day collected, inclusive (UTC); default: now')
    .option('--days-back <days>', 'days back from the end when no --start-date', positiveNumber, 7)
    .option('--output <path>', 'CSV file, or gs://bucket/path.csv for Cloud Storage', 'data/production_data.csv')
    .option('--min-session-duration <ms>', `skip sessions shorter than this (ms; default: dataCollection.minSessionDurationMs, ${SCHEMA_DEFAULTS.dataCollection.minSessionDurationMs} unless the config says otherwise)`, positiveInt('--min-session-duration'))
    .option('--validate', 'validate the dataset: print the full report, write <name>_validation.json, exit 1 on an abort verdict')
    .option('--export-metadata', 'write <name>_metadata.json beside the CSV')
    .option('--max-samples <n>', 'stop after this many rows (default: dataCollection.maxSamplesPerCollection)', positiveInt('--max-samples'));
  storeOptions(cmd, { backend: 'where the logs are read: embedded (SQLite, the default) or cloud (Firestore); else RETRAIN_BACKEND' })
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  retrain collect --days-back 30 --validate --export-metadata',
        '  retrain collect --start-date 2026-11-01 --end-date 2026-11-07 --output data/week45.csv',
        '  retrain collect --output gs://my-bucket/datasets/manual/production_data.csv --export-metadata',
        '  npm run collect_production_data -- --days-back 30',
      ].join('\n'),
    )
    .action(async (flags: CollectFlags) => {
      const out = createOutput({ json: flags.json });
      const { config, hash } = loadConfig(flags.config);
      const ports = await openPorts(config, { backend: flags.backend, root: flags.root });
      let extra: Ports | null = null;
      let bar: Progress | null = null;
      const stopBar = () => {
        bar?.stop();
        bar = null;
      };
      try {
        flags.minSessionDuration ??= config.dataCollection.minSessionDurationMs;
        const window = resolveWindow({ startDate: flags.startDate, endDate: flags.endDate, daysBack: flags.daysBack }, ports.clock.now());
        const t = await targetOf(flags.output, config, ports);
        extra = t.extra;
        const sink = flags.json
          ? silentSink
          : consoleSink({
              write: (line) => {
                stopBar();
                process.stderr.write(`${line}\n`);
              },
            });
        const total = out.json ? 0 : await ports.logs.count({ start: window.start, end: window.end, minSessionDurationMs: flags.minSessionDuration });
        const result = await collect(ports, {
          window,
          minSessionDurationMs: flags.minSessionDuration!,
          maxSamples: flags.maxSamples ?? config.dataCollection.maxSamplesPerCollection,
          target: t.target,
          config,
          configHash: hash,
          writeReport: !!flags.validate,
          writeMetadata: !!flags.exportMetadata,
          log: createLogger(sink),
          onProgress: (p) => {
            bar ??= out.progress('Reading logs', total);
            bar.update(p.read, `${p.rows.toLocaleString('en-US')} rows`);
          },
        });
        stopBar();
        const value = {
          status: 'ok',
          csv: result.csvPath,
          metadata: result.metadataPath,
          validationReport: result.reportPath,
          samples: result.metadata.total_samples,
          logsRead: result.metadata.logs_read,
          skipped: result.metadata.skipped,
          verdict: result.report.verdict,
          reasons: result.report.reasons,
          sha256: result.metadata.csv.sha256,
          ...(flags.validate ? { report: result.report } : {}),
        };
        if (flags.validate && result.report.verdict === 'abort') {
          if (!out.json) process.stdout.write(`${humanSummary(result, flags)}\n`);
          throw new DataError(`Dataset failed validation: ${result.report.reasons.join('; ')}`, { stage: 'collect', code: 'DATASET_ABORT', details: value });
        }
        out.result(value, () => humanSummary(result, flags));
      } finally {
        stopBar();
        if (extra) await closePorts(extra);
        await closePorts(ports);
      }
    });
}
