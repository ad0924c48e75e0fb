/**
 * `retrain rollup`: one rollup pass — the logs since the watermark folded into hour and day
 * buckets, the same pass the hourly `rollup` function makes — or a rebuild of a range, or a check
 * of a range's buckets against the store's counts (rebuilding those that differ).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { rollupPass, type RollupPassResult } from '../../stages/rollup/rollup-pass.ts';
import { parseInstant, storeOptions, type StoreFlags } from '../options.ts';
import { createOutput } from '../output.ts';
import { withStore } from './deploy.ts';

interface RollupFlags extends StoreFlags {
  from?: string;
  to?: string;
  rebuild?: boolean;
}

function render(r: RollupPassResult): string {
  const lines = [
    r.hours ? `rolled up ${r.hours} hour(s) from ${r.from} to ${r.to}: ${r.read.toLocaleString('en-US')} documents read, ${r.written} bucket(s) written in ${(r.durationMs / 1000).toFixed(1)} s` : `nothing new to roll up before ${r.to}`,
    `watermark ${r.watermark}`,
  ];
  if (r.verified) lines.push(`checked ${r.verified} hour(s) against the store's counts: ${r.stale ? `${r.stale} differed and were rebuilt` : 'all match'}`);
  if (r.tracked.length) lines.push(`drift sections for ${r.tracked.map((t) => `${t.version} (${t.from.slice(0, 13)}h → ${t.until.slice(0, 13)}h)`).join(', ')}`);
  for (const [v, why] of Object.entries(r.skippedVersions)) lines.push(`no drift section for ${v}: ${why}`);
  return lines.join('\n');
}

/** Register the command. */
export function registerRollup(program: Command): void {
  storeOptions(program.command('rollup').description('Fold new interaction logs into the hourly and daily rollups every live reader reads'))
    .option('--from <iso>', 'with --rebuild: rebuild from here (default monitoring.rollups.initialDays back); without: check the buckets from here on against the store and rebuild those that differ', parseInstant)
    .option('--to <iso>', 'roll up to this instant (default now)', parseInstant)
    .option('--rebuild', 'rebuild every hour of the range whatever the watermark (after a config change, or to recover from documents written later than overlapHours)')
    .addHelpText(
      'after',
      [
        '',
        'Each pass re-reads monitoring.rollups.overlapHours before the watermark, so late documents are',
        'counted exactly once; running it twice, or two at once, leaves the same rollups as one run.',
        '',
        'Examples:',
        '  retrain rollup',
        '  retrain rollup --from 2026-11-01T00:00:00Z          # check November so far, rebuild what differs',
        '  retrain rollup --rebuild --from 2026-11-01T00:00:00Z --json',
      ].join('\n'),
    )
    .action(async (flags: RollupFlags) => {
      const out = createOutput({ json: flags.json });
      const to = flags.to ? new Date(flags.to) : undefined;
      const from = flags.from ? new Date(flags.from) : undefined;
      if (from && to && from >= to) throw new InvalidArgumentError(`--from ${flags.from} is not before --to ${flags.to}`);
      let bar: ReturnType<typeof out.progress> | null = null;
      const result = await withStore(flags, (ports, config, log) => {
        const end = to ?? ports.clock.now();
        return rollupPass(ports, config, {
          to: end,
          rebuild: flags.rebuild,
          from: flags.rebuild ? from : undefined,
          verify: !flags.rebuild && from ? { start: from, end } : undefined,
          log,
          progress: (done, total) => {
            bar ??= out.progress('Rolling up hours', total);
            bar.update(done);
          },
        });
      });
      (bar as ReturnType<typeof out.progress> | null)?.stop();
      out.result(result, render);
    });
}
