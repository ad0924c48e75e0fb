/**
 * The collection stage (the original `collect_production_data.py`): read the sessions of a window
 * page by page, validate each against the interaction-log schema, drop duplicates, infer targets,
 * compute features, and stream CSV rows into the dataset target — never holding the CSV, or more
 * than one page of logs, in memory. Then write the validation report, and the metadata last.
 *
 * Order of the checks per document: readable (`invalid`, `unreadable`: a corrupt stored row) →
 * schema (`invalid`) → window (`filtered`, defensive) and minimum duration (`filtered`, counted
 * here: the store is not asked to filter, so that a short malformed document still counts as
 * invalid) → duplicate `session_id`
 * (`duplicate_session`, the first, earliest, session is kept) → targets (`uninferable`).
 * Sessions are read in ascending timestamp order from the start of the window — or, when the
 * window holds more usable sessions than `maxSamples`, from the instant that leaves exactly the
 * newest `maxSamples` of them (recent-start.ts): a capped dataset holds the most recent sessions
 * of its window, never the oldest, so a retrain after a drift learns from the drifted traffic.
 */
import { createHash } from 'node:crypto';
import type { RetrainingConfig } from '../../config/schema.ts';
import { FEATURE_COLUMNS, FEATURE_COUNT, FEATURE_NAMES, FEATURE_VERSION, prepareFeaturesV2 } from '../../data/features.ts';
import { LOG_SCHEMA_VERSION, type InteractionLog } from '../../data/log-schema.ts';
import { inferTargets, TARGET_COLUMNS } from '../../data/targets.ts';
import type { Ports, RawLog } from '../../ports/index.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { defaultFormatter } from './batch-formatter.ts';
import { classIndices, CSV_COLUMNS, CSV_HEADER, CSV_NUMBER_FORMAT, ROW_LAYOUT } from './csv-format.ts';
import { DATASET_METADATA_VERSION, type DatasetMetadata } from './dataset-metadata.ts';
import { DatasetProfile } from './dataset-profile.ts';
import type { DatasetTarget } from './dataset-target.ts';
import { validateLog, validLogInto } from './log-validation.ts';
import { recentStart } from './recent-start.ts';
import { RowBatchBuilder } from './row-batch.ts';
import { SessionSet } from './session-set.ts';
import { buildValidationReport, type SkipCounts, type ValidationReport } from './validation-report.ts';
import type { CollectionWindow } from './window.ts';

/** Progress after each page. */
export interface CollectProgress {
  read: number;
  rows: number;
  skipped: number;
}

/** What to collect and where to. */
export interface CollectOptions {
  window: CollectionWindow;
  /** Sessions shorter than this (ms) are not collected. */
  minSessionDurationMs: number;
  /** Stop after this many rows. */
  maxSamples: number;
  target: DatasetTarget;
  /** Quality thresholds and the page size come from here. */
  config: RetrainingConfig;
  /** Hash of the effective config, recorded in the metadata. */
  configHash: string;
  runId?: string;
  /** Write `<name>_validation.json` (default true). */
  writeReport?: boolean;
  /** Write `<name>_metadata.json` (default true). */
  writeMetadata?: boolean;
  /** Examples of skipped documents kept for the report (default 10). */
  maxExamples?: number;
  /**
   * Format CSV text in a worker thread, overlapping it with reading the next page. It pays off
   * only with a second core and enough rows (see `CSV_WORKER_MIN_ROWS`); by default it is used
   * when the window holds at least that many sessions (up to `maxSamples`) and the machine has a
   * second core. Either way the bytes are the same.
   */
  csvWorker?: boolean;
  log?: PipelineLogger;
  onProgress?: (p: CollectProgress) => void;
}

/** The stage's outcome. */
export interface CollectResult {
  metadata: DatasetMetadata;
  report: ValidationReport;
  csvPath: string;
  metadataPath: string | null;
  reportPath: string | null;
}

/**
 * Rows from which a collection formats its CSV in a worker thread by default. Formatting costs
 * ~1 µs per row on the calling thread (a quarter of the stage's CPU); the worker takes ~60 ms to
 * start and ~16 MB (~26 MB when run from TypeScript source). Measured on a million simulated logs
 * on 2 cores: 3.5 s of main-thread CPU instead of 4.7 s.
 */
export const CSV_WORKER_MIN_ROWS = 100_000;

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/** Run the collection stage. */
export async function collect(ports: Ports, opts: CollectOptions): Promise<CollectResult> {
  const log = opts.log ?? createLogger(silentSink);
  const t0 = performance.now();
  const { from, stored } = await recentStart(ports, { window: opts.window, minSessionDurationMs: opts.minSessionDurationMs, maxSamples: opts.maxSamples, pageSize: opts.config.dataCollection.pageSize });
  const startMs = (from ?? opts.window.start).getTime();
  const endMs = opts.window.end.getTime();
  const minDuration = opts.minSessionDurationMs;
  const maxExamples = opts.maxExamples ?? 10;
  const base = { runId: opts.runId };
  log.stageStarted('collect', {
    ...base,
    start: opts.window.start.toISOString(),
    end: opts.window.end.toISOString(),
    minSessionDurationMs: minDuration,
    maxSamples: opts.maxSamples,
    output: opts.target.display,
  });

  const profile = new DatasetProfile();
  const skips: SkipCounts = { read: 0, invalid: new Map(), duplicates: 0, uninferable: new Map(), filtered: new Map(), examples: [] };
  const expectedRows = Math.min(stored, opts.maxSamples);
  // Sized for the rows to expect: no rehashing, and no old table beside the new one at the end.
  const seen = new SessionSet(expectedRows);
  const features = new Float64Array(FEATURE_COUNT);
  const hash = createHash('sha256');
  let bytes = 0;
  let reachedMax = opts.maxSamples <= 0;
  const example = (id: string, reason: string, message?: string) => {
    if (skips.examples.length < maxExamples && !skips.examples.some((e) => e.reason === reason)) {
      skips.examples.push(message === undefined ? { id, reason } : { id, reason, message });
    }
  };
  const emit = (chunk: Uint8Array): Buffer => {
    hash.update(chunk);
    bytes += chunk.byteLength;
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  };
  const classIdx = new Uint8Array(ROW_LAYOUT.classLabels.length);
  // The valid log being processed: one object refilled per document (it is not kept).
  const scratch = {} as InteractionLog;

  async function* rows(): AsyncGenerator<Buffer> {
    yield emit(Buffer.from(CSV_HEADER, 'utf8'));
    if (reachedMax) return;
    const pageSize = opts.config.dataCollection.pageSize;
    const batch = new RowBatchBuilder(ROW_LAYOUT, pageSize);
    const formatter = defaultFormatter(ROW_LAYOUT, opts.csvWorker ?? expectedRows >= CSV_WORKER_MIN_ROWS);
    // Formatted pages in flight, oldest first: the formatter works on page k while page k + 1 is read.
    const inFlight: Promise<Uint8Array>[] = [];
    const send = () => {
      const p = formatter.format(batch.take());
      p.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
      inFlight.push(p);
    };
    try {
      // No minimum duration pushed down to the store, and the documents that belong to no window
      // asked for: every stored document is counted under a reason, the bad ones first (a short
      // session that is also malformed counts as invalid, as the simulator reports it).
      const pages = ports.logs.pages({ start: new Date(startMs), end: opts.window.end, pageSize, includeUnplaced: true });
      for await (const docs of pages) {
        // Each document is let go once handled (the page array is ours to change): a page of
        // documents kept whole to its end is what grows V8's young generation to its maximum
        // under this allocation rate (≈ 50 MB more peak RSS over a million logs).
        const page: (RawLog | undefined)[] = docs;
        for (let i = 0; i < page.length && !reachedMax; i++) {
          const raw = page[i]!;
          page[i] = undefined;
          skips.read++;
          if (raw.unreadable !== undefined) {
            bump(skips.invalid, 'unreadable');
            example(raw.id, 'unreadable', raw.unreadable);
            continue;
          }
          let s = validLogInto(raw.data, scratch);
          if (s === null) {
            const v = validateLog(raw.data);
            if (!v.ok) {
              bump(skips.invalid, v.reason);
              example(raw.id, v.reason, v.message);
              continue;
            }
            s = v.log;
          }
          if (s.timestamp < startMs || s.timestamp >= endMs) {
            bump(skips.filtered, 'outside_window');
            continue;
          }
          if (s.session_duration < minDuration) {
            bump(skips.filtered, 'short_session');
            continue;
          }
          if (!seen.add(s.session_id)) {
            skips.duplicates++;
            example(raw.id, 'duplicate_session');
            continue;
          }
          const t = inferTargets(s);
          if (!t.ok) {
            bump(skips.uninferable, t.reason);
            example(raw.id, t.reason);
            continue;
          }
          prepareFeaturesV2(s.context, features, 0);
          classIndices(t.classes, classIdx);
          profile.add(features, classIdx, t.vars);
          batch.push(s.session_id, s.timestamp, features, t.vars, classIdx);
          if (batch.size === batch.capacity) send();
          if (profile.rows >= opts.maxSamples) reachedMax = true;
        }
        if (batch.size) send();
        while (inFlight.length > 1) yield emit(await inFlight.shift()!);
        const skipped = skips.read - profile.rows;
        opts.onProgress?.({ read: skips.read, rows: profile.rows, skipped });
        log.progress('collect', { ...base, counts: { read: skips.read, rows: profile.rows, skipped } });
        // Leaving the loop returns the page iterator, which closes the store's cursor.
        if (reachedMax) break;
      }
      while (inFlight.length) yield emit(await inFlight.shift()!);
    } finally {
      await formatter.close();
    }
  }

  await opts.target.writeCsv(rows());
  const sha256 = hash.digest('hex');
  const report = buildValidationReport(profile, skips, opts.config.validation.qualityChecks);
  const writeReport = opts.writeReport ?? true;
  const writeMetadata = opts.writeMetadata ?? true;
  if (writeReport) await opts.target.writeReport(`${JSON.stringify(report, null, 2)}\n`);

  const metadata: DatasetMetadata = {
    kind: 'dataset_metadata',
    metadata_version: DATASET_METADATA_VERSION,
    run_id: opts.runId ?? null,
    collection_date: ports.clock.now().toISOString(),
    start_date: opts.window.start.toISOString(),
    end_date: opts.window.end.toISOString(),
    total_samples: profile.rows,
    min_session_duration: minDuration,
    max_samples: opts.maxSamples,
    reached_max_samples: reachedMax,
    ...(from ? { collected_from: from.toISOString() } : {}),
    feature_names: Object.fromEntries(FEATURE_COLUMNS.map((c, j) => [c, FEATURE_NAMES[j]])),
    feature_columns: [...FEATURE_COLUMNS],
    target_columns: [...TARGET_COLUMNS],
    columns: [...CSV_COLUMNS],
    log_schema_version: LOG_SCHEMA_VERSION,
    feature_version: FEATURE_VERSION,
    csv: { path: opts.target.csvPath, sha256, bytes, number_format: CSV_NUMBER_FORMAT },
    logs_read: skips.read,
    skipped: report.skipped.byReason,
    validation: { verdict: report.verdict, reasons: report.reasons, report_path: writeReport ? opts.target.reportPath : null },
    config_hash: opts.configHash,
  };
  if (writeMetadata) await opts.target.writeMetadata(`${JSON.stringify(metadata, null, 2)}\n`);

  const counts = {
    read: skips.read,
    rows: profile.rows,
    invalid: report.logs.invalid,
    duplicates: skips.duplicates,
    uninferable: report.logs.uninferable,
    filtered: report.logs.filtered,
  };
  if (report.verdict !== 'proceed') log.warning('collect', `dataset verdict ${report.verdict}: ${report.reasons.join('; ')}`, { ...base, verdict: report.verdict, reasons: report.reasons });
  log.stageCompleted('collect', Math.round(performance.now() - t0), { ...base, counts, verdict: report.verdict, csv: opts.target.display });
  return {
    metadata,
    report,
    csvPath: opts.target.csvPath,
    metadataPath: writeMetadata ? opts.target.metadataPath : null,
    reportPath: writeReport ? opts.target.reportPath : null,
  };
}
