import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { collect } from '../../../functions/src/stages/collect/collect.ts';
import { artifactTarget } from '../../../functions/src/stages/collect/dataset-target.ts';
import { openTestEnv, seedLogs, type TestEnv } from '../pipeline/fixtures.ts';

const NOW = '2026-03-02T00:00:00Z';

describe('collection keeps the newest rows of its window', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv(NOW);
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
  });
  afterEach(() => env.close());

  const run = async (name: string, maxSamples: number) => {
    const res = await collect(env.ports, {
      window: { start: new Date('2026-02-16T00:00:00Z'), end: new Date(NOW) },
      minSessionDurationMs: env.config.dataCollection.minSessionDurationMs,
      maxSamples,
      target: artifactTarget(env.ports.artifacts, `datasets/${name}/production_data.csv`),
      config: env.config,
      configHash: 'h',
    });
    const rows = parse((await env.ports.artifacts.get(res.csvPath)).toString('utf8'), { columns: true }) as Array<{ session_id: string; timestamp: string }>;
    return { res, rows };
  };

  it('a capped collection holds the most recent sessions, never the oldest', async () => {
    const all = await run('all', 100_000);
    assert.equal(all.res.metadata.collected_from, undefined);
    assert.ok(all.rows.length > 300, `${all.rows.length} rows`);
    const capped = await run('capped', 100);
    assert.equal(capped.rows.length, 100);
    assert.equal(capped.res.metadata.reached_max_samples, true);
    // Exactly the last 100 rows of the uncapped collection, in the same (ascending) order.
    assert.deepEqual(capped.rows.map((r) => r.session_id), all.rows.slice(-100).map((r) => r.session_id));
    assert.equal(capped.res.metadata.collected_from, capped.rows[0].timestamp);
    assert.equal(capped.res.metadata.start_date, '2026-02-16T00:00:00.000Z', 'the window asked for is still recorded');
    assert.ok(Date.parse(capped.rows[0].timestamp) > Date.parse('2026-02-24T00:00:00Z'), capped.rows[0].timestamp);
  });

  it('a window that fits under the cap is collected whole', async () => {
    const all = await run('fits', 100_000);
    const exact = await run('exact', all.rows.length);
    assert.deepEqual(exact.rows.map((r) => r.session_id), all.rows.map((r) => r.session_id));
  });
});
