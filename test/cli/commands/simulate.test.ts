import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerSimulate, simulationOptionsFromFlags, type OpenSimulateTarget } from '../../../functions/src/cli/commands/simulate.ts';
import { InteractionLogSchema } from '../../../functions/src/data/log-schema.ts';
import type { RawLog } from '../../../functions/src/ports/log-store.ts';
import { ConfigError } from '../../../functions/src/shared/errors.ts';

/** Run `retrain simulate …` against an in-memory log store; returns stdout and what was written. */
async function run(args: string[]) {
  const written: RawLog[] = [];
  let closed = false;
  const open: OpenSimulateTarget = async () => ({
    sink: { append: async (logs) => void written.push(...logs) },
    where: 'memory',
    close: async () => void (closed = true),
  });
  const program = new Command('retrain').exitOverride();
  registerSimulate(program, open, () => new Date('2026-02-10T15:00:00Z'));
  let stdout = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['simulate', ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return { stdout, written, closed };
}

describe('retrain simulate', () => {
  it('writes users × sessions-per-day × days valid logs and prints a JSON summary', async () => {
    const r = await run(['--users', '20', '--sessions-per-day', '2', '--days', '3', '--start-date', '2026-01-05', '--seed', '4', '--json']);
    assert.equal(r.written.length, 120);
    assert.ok(r.closed);
    assert.ok(r.written.every((l) => InteractionLogSchema.safeParse(l.data).success));
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.status, 'ok');
    assert.equal(summary.logsWritten, 120);
    assert.equal(summary.users, 20);
    assert.equal(summary.days, 3);
    assert.equal(summary.badLogs, 0);
    assert.ok(summary.firstTimestamp >= '2026-01-05' && summary.lastTimestamp < '2026-01-08');
  });

  it('prints a readable summary without --json', async () => {
    const r = await run(['--users', '5', '--days', '1', '--start-date', '2026-01-05']);
    assert.match(r.stdout, /wrote 25 sessions to the memory/);
    assert.match(r.stdout, /short \(< 30 s\)/);
  });

  it('passes drift and bad-log flags through', async () => {
    const r = await run(['--users', '30', '--days', '4', '--start-date', '2026-01-13', '--drift-from', '2026-01-15', '--drift-context', '0.5', '--drift-preference', '0.5', '--bad-log-rate', '0.1', '--json']);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual(summary.drift, { from: '2026-01-15', contextShift: 0.5, preferenceShift: 0.5 });
    assert.equal(summary.driftedSessions, 300);
    assert.ok(summary.badLogs > 0);
    assert.equal(r.written.filter((l) => !InteractionLogSchema.safeParse(l.data).success).length, summary.badLogs);
  });
});

describe('simulationOptionsFromFlags', () => {
  const now = new Date('2026-02-10T15:00:00Z');
  it('without --start-date the last simulated day is yesterday', () => {
    const o = simulationOptionsFromFlags({ days: '7' }, now);
    assert.equal(o.startDate, '2026-02-03');
    assert.equal(o.users, 200);
  });

  const bad: Array<[string, Parameters<typeof simulationOptionsFromFlags>[0], RegExp]> = [
    ['non-numeric users', { users: 'many' }, /users: .*expected number/],
    ['zero days', { days: '0' }, /days/],
    ['bad start date', { startDate: '2026-13-01' }, /startDate/],
    ['rate above 1', { badLogRate: '1.5' }, /badLogRate/],
    ['drift shift without a date', { driftContext: '0.5' }, /--drift-from/],
    ['bad drift date', { driftFrom: 'tomorrow' }, /drift\.from/],
  ];
  for (const [name, flags, re] of bad) {
    it(`rejects ${name} with a config error`, () => {
      assert.throws(() => simulationOptionsFromFlags(flags, now), (e: unknown) => e instanceof ConfigError && re.test(e.message));
    });
  }
});
