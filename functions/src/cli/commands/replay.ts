/**
 * `retrain replay`: run the weekly chain at past slots over the stored sessions, on a scratch copy
 * of the embedded store (the real one is untouched), under one or two policies side by side, and
 * print per slot the triggers with their values, the strategy, the version produced, whether it
 * was deployed, and the serving version's accuracy on the following period.
 */
import { InvalidArgumentError, type Command } from 'commander';
import path from 'node:path';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import { parseWindowDate } from '../../stages/collect/window.ts';
import { replay, replaySlots, type ReplayPolicy, type ReplayResult } from '../../stages/replay/replay.ts';
import { firedNames, type SlotReport } from '../../stages/replay/slot-report.ts';
import { createOutput } from '../output.ts';

/** Flags of `retrain replay`. */
interface ReplayFlags {
  from: string;
  to: string;
  every: number;
  policy?: string[];
  config?: string;
  root?: string;
  json?: boolean;
}

const HOUR_MS = 3_600_000;

/** Commander parser of `--every`: `7d`, `1d`, `12h`. */
export function parseEvery(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([dh])$/.exec(value);
  if (!m || !(Number(m[1]) > 0)) throw new InvalidArgumentError('expected a period such as 7d or 12h');
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1) * HOUR_MS;
}

/** Instant of a `--from`/`--to` value: a day (its 02:00 UTC, the checker's slot) or an ISO instant. */
export function slotInstant(value: string, flag: string): Date {
  const d = parseWindowDate(value, flag);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(d.getTime() + 2 * HOUR_MS) : d;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '   -  ' : `${(v * 100).toFixed(1)} %`);

function slotLine(s: SlotReport): string[] {
  const what = !s.shouldRetrain
    ? 'no retraining'
    : `${s.strategy} → ${s.version ? `${s.version} ${s.deployed ? 'deployed' : 'not deployed'}` : `no version (${s.run ?? 'not run'}${s.note ? `: ${s.note.slice(0, 80)}` : ''})`}`;
  const next = s.nextPeriod ? `next: ${pct(s.nextPeriod.meanAccuracy)} on ${s.nextPeriod.sessions.toLocaleString('en-US')} sessions (${s.servingAfter})` : 'next: no serving version';
  return [
    `fired ${firedNames(s)}; ${what}; ${next}`,
    `  ${s.triggers.map((t) => `${t.triggered ? '✓' : t.evaluated ? '✗' : '-'} ${t.name} ${t.value}`).join(' · ')}`,
    ...(s.strategyReason ? [`  strategy ${s.strategyReason}`] : []),
  ];
}

/** The replay, readably: slot by slot, the policies side by side. */
export function renderReplay(r: ReplayResult): string {
  const names = r.policies.map((p) => p.name);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [
    `Replay ${r.from} → ${r.to}, every ${r.everyDays} d, ${names.length === 1 ? `policy ${names[0]}` : `policies ${names.join(' vs ')}`}`,
    `(next: the serving version's predictions for the following period's sessions vs their late labels)`,
  ];
  const count = Math.max(...r.policies.map((p) => p.slots.length));
  for (let i = 0; i < count; i++) {
    lines.push('', `slot ${r.policies[0].slots[i]?.at ?? '?'}`);
    for (const p of r.policies) {
      const s = p.slots[i];
      if (!s) continue;
      const [head, ...rest] = slotLine(s);
      lines.push(`  ${p.name.padEnd(width)}  ${head}`, ...rest.map((l) => `  ${' '.repeat(width)}  ${l}`));
    }
  }
  if (names.length > 1) {
    lines.push('', 'mean accuracy on the following periods:');
    for (const p of r.policies) {
      const accs = p.slots.map((s) => s.nextPeriod?.meanAccuracy).filter((a): a is number => typeof a === 'number');
      const trained = p.slots.filter((s) => s.version).length;
      lines.push(`  ${p.name.padEnd(width)}  ${pct(accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : null)} over ${accs.length} periods; ${trained} ${trained === 1 ? 'version' : 'versions'} trained, ${p.slots.filter((s) => s.deployed).length} deployed`);
    }
  }
  return lines.join('\n');
}

/** Register the command. */
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('Replay the weekly chain over the stored history on a scratch copy of the embedded store: what each policy would have done, slot by slot')
    .requiredOption('--from <date>', 'first slot: YYYY-MM-DD (its 02:00 UTC, the checker\'s time) or an ISO instant')
    .requiredOption('--to <date>', 'last slot (included), same forms')
    .option('--every <period>', 'time between slots: 7d, 1d, 12h', parseEvery, 7 * 24 * HOUR_MS)
    .option('--policy <file>', 'a config file to replay; twice to compare two side by side (default: --config)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--config <file>', 'config file of the source store and the default policy (default: config/retraining.yaml)')
    .option('--root <dir>', 'base folder of the embedded store (default: the repository root)')
    .option('--json', 'print exactly the result object')
    .addHelpText(
      'after',
      '\nExamples:\n  retrain replay --from 2026-02-02 --to 2026-02-23\n  retrain replay --from 2026-02-02 --to 2026-02-23 --every 7d --policy config/retraining.yaml --policy fresh.yaml --json',
    )
    .action(async (flags: ReplayFlags) => {
      const out = createOutput({ json: flags.json });
      const { config } = loadConfig(flags.config);
      const from = slotInstant(flags.from, '--from');
      const to = slotInstant(flags.to, '--to');
      if (to < from) throw new InvalidArgumentError(`--to ${flags.to} is before --from ${flags.from}`);
      const policies: ReplayPolicy[] = (flags.policy?.length ? flags.policy : [flags.config ?? null]).map((file) => ({
        name: file ? path.basename(file).replace(/\.ya?ml$/, '') : 'default',
        config: loadConfig(file ?? undefined).config,
      }));
      const source = await openPorts(config, { backend: 'embedded', ...(flags.root ? { root: flags.root } : {}) });
      try {
        const total = replaySlots(from, to, flags.every).length * policies.length;
        const bar = out.progress('replay', total);
        let done = 0;
        const result = await replay(source, { from, to, everyMs: flags.every, policies, onSlot: () => bar.update(++done) });
        bar.stop();
        out.result(result, renderReplay);
      } finally {
        await closePorts(source);
      }
    });
}
