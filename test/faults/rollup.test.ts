/**
 * Rollup passes under faults: a process that dies at each write of a pass, then a rerun; the same
 * pass delivered twice; two passes racing; a damaged rollup document. Each must leave exactly the
 * buckets and watermark one clean pass leaves (compared with a clean pass into a collection of its
 * own on the same store), or stop with an error naming the document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RetrainingConfig } from '../../functions/src/config/schema.ts';
import type { Ports } from '../../functions/src/ports/index.ts';
import { DataError } from '../../functions/src/shared/errors.ts';
import { rollupPass } from '../../functions/src/stages/rollup/rollup-pass.ts';
import { liveStore, serveDay, startCanary, type LiveStore } from '../stages/rollup/live-store.ts';
import { FaultInjector, ProcessDied, faultyPorts } from './fault-ports.ts';
import { FaultTable } from './report.ts';

const FIRST = new Date('2026-03-02T20:00:00Z');
const SECOND = new Date('2026-03-03T09:00:00Z');

describe('rollup passes under faults', () => {
  const table = new FaultTable('rollup');
  let s: LiveStore;
  let clean: Map<string, unknown>;
  let cases = 0;
  before(async () => {
    s = await liveStore();
    await serveDay(s.env, '2026-03-01', 41);
    await serveDay(s.env, '2026-03-02', 42);
    await startCanary(s, '2026-03-03T00:00:00Z');
    await serveDay(s.env, '2026-03-03', 43);
    clean = await twoPasses(configFor('clean'), s.env.ports);
  });
  after(() => {
    table.write();
    return s?.env.close();
  });

  /** The store's config writing rollups to a collection of its own. */
  const configFor = (name: string): RetrainingConfig => ({ ...s.env.config, pipeline: { ...s.env.config.pipeline, collections: { ...s.env.config.pipeline.collections, liveRollups: `rollups_${name}` } } });

  /** Every document of the collection, without what differs between equal passes (when, how many). */
  async function contents(config: RetrainingConfig): Promise<Map<string, unknown>> {
    const recs = await s.env.ports.records.list(config.pipeline.collections.liveRollups);
    return new Map(recs.map((r) => [r.id, { ...r.data, updatedAt: null, passes: null }]));
  }

  async function twoPasses(config: RetrainingConfig, ports: Ports, second: (config: RetrainingConfig) => Promise<void> = async (c) => void (await rollupPass(ports, c, { to: SECOND }))): Promise<Map<string, unknown>> {
    await rollupPass(s.env.ports, config, { to: FIRST });
    await second(config);
    return contents(config);
  }

  /** Run a faulty second pass in a fresh collection, rerun it cleanly, and compare with the clean passes. */
  async function scenario(category: string, fault: string, second: (config: RetrainingConfig) => Promise<void>): Promise<void> {
    const config = configFor(`case_${++cases}`);
    await rollupPass(s.env.ports, config, { to: FIRST });
    await second(config);
    await rollupPass(s.env.ports, config, { to: SECOND });
    const got = await contents(config);
    const problems: string[] = [];
    for (const [id, data] of clean) if (JSON.stringify(got.get(id)) !== JSON.stringify(data)) problems.push(`${id} differs from the clean pass`);
    for (const id of got.keys()) if (!clean.has(id)) problems.push(`${id} not in the clean pass`);
    table.add({ category, fault, survived: problems.length === 0, lost: problems.length, problems });
    assert.deepEqual(problems, [], fault);
  }

  it('the clean passes wrote hour and day buckets and the watermark', () => {
    const ids = [...clean.keys()];
    assert.ok(ids.includes('hour_2026-03-03T08') && ids.includes('day_2026-03-02') && ids.includes('state_live'), ids.join(', '));
    assert.equal((clean.get('state_live') as { watermark: string }).watermark, SECOND.toISOString());
  });

  it('a process dying at any write of a pass, then a rerun, leaves what one clean pass leaves', async () => {
    const counter = new FaultInjector();
    const probe = configFor('probe');
    await rollupPass(s.env.ports, probe, { to: FIRST });
    await rollupPass(faultyPorts(s.env.ports, counter), probe, { to: SECOND });
    const writes = counter.writes.length;
    assert.ok(writes >= 5, `a pass writes hours, days and the state (${writes})`);
    for (let at = 1; at <= writes; at++) {
      const f = new FaultInjector({ at, kind: 'die' });
      await scenario('crash', `die at write ${at} of ${writes} (${counter.writes[at - 1].op} ${counter.writes[at - 1].target})`, async (config) => {
        await assert.rejects(rollupPass(faultyPorts(s.env.ports, f), config, { to: SECOND }), ProcessDied);
      });
    }
  });

  it('the same pass delivered twice', () =>
    scenario('redelivery', 'the second pass run twice', async (config) => {
      await rollupPass(s.env.ports, config, { to: SECOND });
    }));

  it('two passes racing, and a late pass racing an earlier one', async () => {
    await scenario('race', 'two passes to the same instant at once', async (config) => {
      await Promise.all([rollupPass(s.env.ports, config, { to: SECOND }), rollupPass(s.env.ports, config, { to: SECOND })]);
    });
    await scenario('race', 'a pass to an earlier instant racing one to the later instant', async (config) => {
      await Promise.all([rollupPass(s.env.ports, config, { to: new Date(SECOND.getTime() - 2 * 3_600_000) }), rollupPass(s.env.ports, config, { to: SECOND })]);
    });
  });

  it('a damaged rollup document stops the pass naming it; a rebuild replaces it', async () => {
    const config = configFor('damaged');
    await rollupPass(s.env.ports, config, { to: SECOND });
    await s.env.ports.records.set(config.pipeline.collections.liveRollups, 'hour_2026-03-03T08', { schemaVersion: 1, kind: 'hour', read: -1 });
    const err = await rollupPass(s.env.ports, config, { to: new Date(SECOND.getTime() + 3_600_000) }).catch((e: unknown) => e);
    assert.ok(err instanceof DataError, String(err));
    assert.match(err.message, /rollups_damaged\/hour_2026-03-03T08 fails its schema .*read.*retrain rollup --rebuild/);
    const rebuilt = await rollupPass(s.env.ports, config, { rebuild: true, from: new Date('2026-03-03T00:00:00Z'), to: SECOND });
    assert.equal(rebuilt.hours, 9);
    const after = await s.env.ports.records.get<{ read: number }>(config.pipeline.collections.liveRollups, 'hour_2026-03-03T08');
    assert.equal(after?.data.read, (clean.get('hour_2026-03-03T08') as { read: number }).read);
  });
});
