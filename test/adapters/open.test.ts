import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { embeddedPaths } from '../../functions/src/adapters/embedded/index.ts';
import { closePorts, openPorts } from '../../functions/src/adapters/open.ts';
import { REPO_ROOT, parseConfig } from '../../functions/src/config/load.ts';
import { fixedClock } from '../../functions/src/ports/clock.ts';
import { ConfigError } from '../../functions/src/shared/errors.ts';
import { waitFor } from './contracts/message-bus.contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'open-ports-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('openPorts', () => {
  it('opens the embedded ports under one folder relative to the given root', async () => {
    const config = parseConfig({ pipeline: { embedded: { dir: 'state' } } });
    const ports = await openPorts(config, { backend: 'embedded', root, clock: fixedClock('2026-01-01T00:00:00Z') });
    await ports.logs.append([{ id: 'a', data: { timestamp: '2026-01-01T00:00:00Z', session_duration: 1 } }]);
    await ports.artifacts.put('x/y.txt', 'hi');
    await ports.records.create('retraining_runs', 'r', { ok: true });
    assert.equal(ports.clock.now().toISOString(), '2026-01-01T00:00:00.000Z');
    assert.ok(existsSync(path.join(root, 'state', 'retrain.sqlite')));
    assert.ok(existsSync(path.join(root, 'state', 'bucket', 'x', 'y.txt')));
    assert.equal(ports.artifacts.root, path.join(root, 'state', 'bucket'));
    await closePorts(ports);

    const again = await openPorts(config, { backend: 'embedded', root });
    assert.equal(await again.logs.count({ start: new Date('2025-01-01'), end: new Date('2027-01-01') }), 1);
    assert.equal((await again.records.get('retraining_runs', 'r'))?.revision, 1);
    await closePorts(again);
  });

  it('resolves the default folder against the repository root and keeps absolute folders as they are', () => {
    assert.equal(embeddedPaths(parseConfig({})).dir, path.join(REPO_ROOT, '.retrain'));
    const abs = path.join(root, 'abs');
    assert.deepEqual(embeddedPaths(parseConfig({ pipeline: { embedded: { dir: abs, databaseFile: 'db.sqlite', bucketDir: 'b' } } }), { root: '/elsewhere' }), {
      dir: abs,
      database: path.join(abs, 'db.sqlite'),
      bucket: path.join(abs, 'b'),
    });
  });

  it('rejects an unknown backend', async () => {
    await assert.rejects(openPorts(parseConfig({}), { backend: 'moon' as 'cloud' }), ConfigError);
  });
});

describe('openPorts (cloud)', { skip: process.env.FIRESTORE_EMULATOR_HOST && process.env.PUBSUB_EMULATOR_HOST ? false : 'needs the Firestore and Pub/Sub emulators (npm test)' }, () => {
  it('opens the cloud ports on the emulators and passes a message and a log through them', async () => {
    const config = parseConfig({ pipeline: { collections: { interactionLogs: `open_test_${Date.now()}` } } });
    const ports = await openPorts(config, { backend: 'cloud' });
    assert.equal(ports.artifacts.root, `gs://${config.pipeline.bucket}`);
    await ports.logs.append([{ id: 'a', data: { timestamp: '2026-01-01T00:00:00Z', session_duration: 1 } }]);
    assert.equal(await ports.logs.count({ start: new Date('2025-01-01'), end: new Date('2027-01-01') }), 1);
    const topic = `open-test-${Date.now()}`;
    const got: unknown[] = [];
    const stop = await ports.bus.subscribe(topic, async (d) => void got.push(d.data));
    await ports.bus.publish(topic, { hello: 'cloud' });
    await waitFor(() => got.length === 1, 30_000, 'the message');
    assert.deepEqual(got, [{ hello: 'cloud' }]);
    await stop();
    await closePorts(ports);
  });
});
