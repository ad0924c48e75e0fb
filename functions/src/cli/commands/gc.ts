/** `retrain gc`: remove what crashed runs left behind (stages/gc/gc.ts says what and why). */
import { InvalidArgumentError, type Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import { DEFAULT_GRACE_MS, collectGarbage, type GcReport } from '../../stages/gc/gc.ts';
import { STAGE_LEASE_MS } from '../../runs/run-stage.ts';
import { createOutput } from '../output.ts';
import { storeOptions, type StoreFlags } from '../options.ts';

/** Flags of `retrain gc`. */
interface GcFlags extends StoreFlags {
  dryRun?: boolean;
  leaseMinutes?: number;
  graceMinutes?: number;
}

function parseMinutes(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of minutes ≥ 0');
  return n;
}

/** The report, readably: one line per removed thing. */
export function renderGc(r: GcReport): string {
  const verb = r.dryRun ? 'would remove' : 'removed';
  const lines = [
    ...r.runs.map((x) => `${r.dryRun ? 'would mark' : 'marked'} run ${x.runId} failed: ${x.reason}`),
    ...r.scratch.map((x) => `${verb} ${x.kind} file ${x.location} (${x.reason})`),
    ...r.versions.map((x) => `${verb} version ${x.version}: ${x.objects.length} objects (${x.reason})`),
    ...r.datasets.map((x) => `${verb} dataset of run ${x.runId}: ${x.objects.length} objects (${x.reason})`),
  ];
  const total = r.runs.length + r.scratch.length + r.versions.length + r.datasets.length;
  lines.push(total ? `${r.dryRun ? 'dry run: nothing changed' : 'done'}` : 'nothing to collect');
  return lines.join('\n');
}

/** Register the command. */
export function registerGc(program: Command): void {
  const cmd = program
    .command('gc')
    .description('Remove what crashed runs left behind: temporary and lock files, versions without manifest, datasets without metadata; mark runs stuck in a stage as failed')
    .option('--dry-run', 'print what would be removed or marked; change nothing')
    .option('--lease-minutes <m>', `a stage running longer (a temporary file untouched longer) is abandoned (default ${STAGE_LEASE_MS / 60_000}, the stage lease)`, parseMinutes)
    .option('--grace-minutes <m>', `an incomplete dataset or version folder must be untouched this long (default ${DEFAULT_GRACE_MS / 60_000})`, parseMinutes);
  storeOptions(cmd).addHelpText(
    'after',
    [
      '',
      'A run whose stage has been `running` past the lease, or whose process on this machine is gone,',
      'is marked failed with the reason (it is not resumed: to resume a crashed run instead, run its',
      'slot again with `retrain auto --at <slot>` before gc). Complete versions and datasets are',
      'never touched; a version or dataset a running run still works on is kept.',
      '',
      'Examples:',
      '  retrain gc --dry-run',
      '  retrain gc --json',
      '  retrain gc --backend cloud --dry-run',
    ].join('\n'),
  );
  cmd.action(async (flags: GcFlags) => {
    const out = createOutput({ json: flags.json });
    const { config } = loadConfig(flags.config);
    const ports = await openPorts(config, { backend: flags.backend, ...(flags.root ? { root: flags.root } : {}) });
    try {
      const report = await collectGarbage(ports, config, {
        dryRun: flags.dryRun,
        ...(flags.leaseMinutes !== undefined ? { leaseMs: flags.leaseMinutes * 60_000 } : {}),
        ...(flags.graceMinutes !== undefined ? { graceMs: flags.graceMinutes * 60_000 } : {}),
      });
      out.result(report, renderGc);
    } finally {
      await closePorts(ports);
    }
  });
}
