/**
 * `retrain status`: the dashboard in the terminal — last run, serving versions with training-time
 * and live metrics, triggers against their thresholds, the next scheduled check, deployments and
 * trends — or, with `--json`, the dashboard data exactly as `/api/dashboard` serves it.
 */
import type { Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import { dashboardData, DASHBOARD_DEFAULTS } from '../../stages/report/dashboard-data.ts';
import type { DashboardData } from '../../stages/report/dashboard-schema.ts';
import { renderDashboard } from '../dashboard-text.ts';
import { parseInstant, parsePositiveInt, storeOptions, type StoreFlags } from '../options.ts';
import { createOutput } from '../output.ts';

/** Flags of `retrain status`. */
interface StatusFlags extends StoreFlags {
  days?: number;
  at?: string;
  rescan?: boolean;
}

/** Register the command. */
export function registerStatus(program: Command): void {
  storeOptions(
    program
      .command('status')
      .description('The retraining dashboard in the terminal: last run, serving model, triggers, next check, deployments, trends'),
    { json: 'print the dashboard data (the same JSON as the page\'s /api/dashboard)' },
  )
    .option('--days <n>', `days of trends (default ${DASHBOARD_DEFAULTS.trendDays})`, parsePositiveInt)
    .option('--at <iso>', 'look as if it were this instant (replays; default now)', parseInstant)
    .option('--rescan', 'compute live metrics from every session of their windows instead of the rollups (slow; to check the rollups)')
    .addHelpText(
      'after',
      '\nLive metrics come from the rollups, brought up to date first (retrain rollup).\n\nExamples:\n  retrain status\n  retrain status --json\n  retrain status --backend cloud --days 14\n  retrain status --rescan --json',
    )
    .action(async (flags: StatusFlags) => {
      const { config } = loadConfig(flags.config);
      const out = createOutput({ json: flags.json });
      const ports = await openPorts(config, { backend: flags.backend, ...(flags.root ? { root: flags.root } : {}) });
      try {
        const data = await dashboardData(ports, config, { now: flags.at ? new Date(flags.at) : undefined, trendDays: flags.days, live: { source: flags.rescan ? 'rescan' : 'rollups' } });
        out.result(data, (d: DashboardData) => renderDashboard(d));
      } finally {
        await closePorts(ports);
      }
    });
}
