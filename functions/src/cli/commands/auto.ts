/**
 * `retrain auto` (the original `auto_retrain.py`): `--mode check` evaluates the triggers and prints
 * the decision; `--mode force|scheduled` runs the chain check → collect → validate → train on the
 * configured backend, through the message bus, and prints the pipeline result.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { consoleSink, createLogger } from '../../shared/logger.ts';
import { decide } from '../../stages/decide/decide.ts';
import { toOriginalCheck, type TriggerDecision } from '../../stages/decide/decision.ts';
import { runChain } from '../../stages/pipeline/chain.ts';
import type { PipelineResult } from '../../stages/pipeline/result.ts';
import { defaultSteps } from '../../stages/pipeline/steps.ts';
import { clockOf, parseInstant } from '../options.ts';
import { createOutput, ExitStatus } from '../output.ts';

/** Flags of `retrain auto`. */
export interface AutoFlags {
  mode: 'check' | 'force' | 'scheduled';
  config?: string;
  backend?: 'embedded' | 'cloud';
  root?: string;
  at?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

function parseMode(v: string): AutoFlags['mode'] {
  if (v === 'check' || v === 'force' || v === 'scheduled') return v;
  throw new InvalidArgumentError('expected check, force or scheduled');
}

function parseBackend(v: string): 'embedded' | 'cloud' {
  if (v === 'embedded' || v === 'cloud') return v;
  throw new InvalidArgumentError('expected embedded or cloud');
}

/** The backend a run uses: the flag, else RETRAIN_BACKEND, else embedded (as `openPorts` decides). */
function backendOf(flags: AutoFlags): 'embedded' | 'cloud' {
  return flags.backend ?? (process.env.RETRAIN_BACKEND === 'cloud' ? 'cloud' : 'embedded');
}

function fmtValue(v: unknown): string {
  return typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(v);
}

/** The decision, readably: one line per trigger with its values. */
export function renderDecision(d: TriggerDecision): string {
  const lines = [`Retraining check for ${d.at}: ${d.shouldRetrain ? 'RETRAIN' : 'no retraining'} (${d.recommendation})`];
  for (const t of d.triggers) {
    const mark = !t.evaluated ? '-' : t.triggered ? '✓' : t.blocks ? '⏸' : '✗';
    lines.push(`  ${mark} ${t.name.padEnd(12)} ${t.reason}`);
    const values = Object.entries(t.values).filter(([, v]) => v !== null);
    if (values.length) lines.push(`      ${values.map(([k, v]) => `${k}=${fmtValue(v)}`).join('  ')}`);
  }
  if (d.strategyReason) lines.push(`  strategy ${d.strategyReason}`);
  if (d.driftDetected) lines.push(`  drift: ${d.driftNote} — an update is judged on recent data, not held to the past`);
  if (d.request) lines.push(`  run ${d.runId}: ${d.strategy}, window ${d.request.window.start} → ${d.request.window.end}`);
  return lines.join('\n');
}

/** A pipeline result, readably. */
export function renderPipeline(r: PipelineResult): string {
  const stages = r.stages as Record<string, Record<string, unknown>>;
  const lines = [`Pipeline ${r.status.toUpperCase()}${r.run_id ? ` — run ${r.run_id}` : ''} (${r.duration_minutes.toFixed(2)} min)`];
  const check = stages.check;
  if (check) lines.push(`  check            ${check.should_retrain ? 'retrain' : 'no retraining'}: ${String(check.recommendation)}`);
  const col = stages.data_collection;
  if (col) lines.push(`  data_collection  ${col.status}${col.rows !== null && col.rows !== undefined ? `  ${fmtValue(col.rows)} rows` : ''}${col.data_path ? ` → ${col.data_path}` : ''}`);
  const val = stages.data_validation;
  if (val) {
    const issues = (val.issues as unknown[] | undefined) ?? [];
    lines.push(`  data_validation  ${val.status}${val.recommendation ? `  verdict ${val.recommendation}` : ''}${issues.length ? ` (${issues.join('; ')})` : ''}`);
  }
  if (stages.strategy) lines.push(`  strategy         ${String(stages.strategy.strategy)}`);
  const tr = stages.retraining;
  if (tr) lines.push(`  retraining       ${tr.status}${tr.model_version ? `  version ${tr.model_version}` : ''}`);
  const metrics = (tr?.metrics ?? {}) as Record<string, number>;
  const shown = Object.entries(metrics).slice(0, 6);
  if (shown.length) lines.push(`      ${shown.map(([k, v]) => `${k}=${fmtValue(v)}`).join('  ')}`);
  const va = stages.validation as { status?: string; issues?: string[]; warnings?: string[]; report_path?: string | null } | undefined;
  if (va && va.status !== 'not_run') {
    lines.push(`  validation       ${va.status}${va.report_path ? `  report ${va.report_path}` : ''}`);
    for (const i of va.issues ?? []) lines.push(`      ✗ ${i}`);
    for (const w of va.warnings ?? []) lines.push(`      ! ${w}`);
  }
  const dep = stages.deployment;
  if (dep && dep.status !== 'not_run') lines.push(`  deployment       ${dep.status}${dep.to_version ? `  ${dep.from_version ?? '-'} → ${dep.to_version}` : ''}${dep.reason ? `  (${dep.reason})` : ''}`);
  if (r.error) lines.push(`  error: ${r.error}`);
  if (r.reason) lines.push(`  ${r.reason}`);
  return lines.join('\n');
}

/** Run `retrain auto` with parsed flags on already opened ports; returns the printed object. */
export async function runAuto(ports: Ports, config: RetrainingConfig, flags: AutoFlags): Promise<{ value: Record<string, unknown>; ok: boolean }> {
  const out = createOutput({ json: flags.json, quiet: flags.quiet });
  // The check's result already shows every signal: progress lines are for the chain only.
  const log = createLogger(out.json || flags.quiet || flags.mode === 'check' ? () => {} : consoleSink());
  const at = flags.at ? new Date(flags.at) : undefined;
  if (flags.mode === 'check') {
    const { decision } = await decide(ports, config, { mode: 'check', at, dryRun: flags.dryRun, log });
    out.result(toOriginalCheck(decision), () => renderDecision(decision));
    return { value: toOriginalCheck(decision), ok: true };
  }
  // Embedded: this process runs the collector and trainer; cloud: the deployed functions do.
  const steps = backendOf(flags) === 'embedded' ? defaultSteps : undefined;
  const { result } = await runChain(ports, config, { mode: flags.mode, at, dryRun: flags.dryRun, log, steps });
  out.result(result, (r: PipelineResult) => renderPipeline(r));
  return { value: result, ok: result.status !== 'failed' };
}

/** Register the command. */
export function registerAuto(program: Command): void {
  program
    .command('auto')
    .description('Check the retraining triggers, or run the whole chain (check → collect → validate → train) through the message bus')
    .option('--mode <mode>', 'check: decide only; force: retrain whatever the triggers say; scheduled: retrain when a trigger fires', parseMode, 'check')
    .option('--config <file>', 'config file (default: config/retraining.yaml)')
    .option('--backend <name>', 'embedded (SQLite + folder bucket + in-process bus, the default) or cloud (Firestore, Cloud Storage, Pub/Sub and the deployed functions); else RETRAIN_BACKEND', parseBackend)
    .option('--root <dir>', 'base folder of the embedded store (default: the repository root)')
    .option('--at <iso>', 'run as if it were this instant: the decision, run ids, version names, records and windows all take it (replay a schedule slot)', parseInstant)
    .option('--dry-run', 'decide and show what would run, writing nothing')
    .option('--json', 'print exactly the result object')
    .option('--quiet', 'no progress lines')
    .addHelpText(
      'after',
      '\nExamples:\n  retrain auto --mode check\n  retrain auto --mode force --json\n  retrain auto --mode scheduled --dry-run\n  retrain auto --mode scheduled --backend cloud   # publish to the deployed functions and watch the run',
    )
    .action(async (flags: AutoFlags) => {
      const { config } = loadConfig(flags.config);
      // --at sets the pipeline's clock, not only the decision's instant: run ids, version names and records all carry it.
      const ports = await openPorts(config, { backend: backendOf(flags), clock: clockOf(flags.at), ...(flags.root ? { root: flags.root } : {}) });
      try {
        const { ok } = await runAuto(ports, config, flags);
        if (!ok) throw new ExitStatus(1);
      } finally {
        await closePorts(ports);
      }
    });
}
