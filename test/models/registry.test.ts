import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import { ConflictError, NotFoundError } from '../../functions/src/shared/errors.ts';
import { openTestPorts, type TestPorts } from '../stages/train/ports.ts';
import { fakeManifest } from './manifest-fixture.ts';

describe('model registry', () => {
  let ports: TestPorts;
  let registry: ModelRegistry;
  before(async () => {
    ports = await openTestPorts();
    registry = new ModelRegistry(ports.artifacts, 'models/');
  });
  after(async () => ports.close());

  it('lists only versions whose manifest exists', async () => {
    await ports.artifacts.put('models/v_20261101_000000/manifest.json', JSON.stringify(fakeManifest('v_20261101_000000')));
    await ports.artifacts.put('models/v_20261102_000000/scaler.json', '{}');
    await ports.artifacts.put('models/current.json.bak', '{}');
    assert.deepEqual(await registry.listVersions(), ['v_20261101_000000']);
    await assert.rejects(registry.manifest('v_20261102_000000'), NotFoundError);
  });

  it('moves current only with the expected generation (compare-and-swap)', async () => {
    await ports.artifacts.put('models/v_20261103_000000/manifest.json', JSON.stringify(fakeManifest('v_20261103_000000')));
    assert.equal(await registry.current(), null);
    const at = ports.clock.now();
    await registry.moveCurrent('v_20261101_000000', { expectedGeneration: '0', at, reason: 'first' });
    // A second "first" writer loses.
    await assert.rejects(registry.moveCurrent('v_20261103_000000', { expectedGeneration: '0', at, reason: 'first too' }), ConflictError);
    const cur = (await registry.current())!;
    assert.equal(cur.pointer.version, 'v_20261101_000000');
    // Two writers that read the same generation: one wins, the other conflicts.
    const results = await Promise.allSettled([
      registry.moveCurrent('v_20261103_000000', { expectedGeneration: cur.generation, at, reason: 'a' }),
      registry.moveCurrent('v_20261103_000000', { expectedGeneration: cur.generation, at, reason: 'b' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof ConflictError));
    assert.equal((await registry.current())!.pointer.version, 'v_20261103_000000');
  });

  it('refuses to point current at an incomplete version', async () => {
    const cur = (await registry.current())!;
    await assert.rejects(registry.moveCurrent('v_20261102_000000', { expectedGeneration: cur.generation, at: ports.clock.now(), reason: 'x' }), NotFoundError);
  });

  it('backs up the pointer and its manifest, write-once', async () => {
    const a = await registry.backupCurrent(ports.clock.now());
    const b = await registry.backupCurrent(ports.clock.now());
    assert.notEqual(a, b);
    const backup = JSON.parse((await ports.artifacts.get(a)).toString());
    assert.equal(backup.pointer.version, 'v_20261103_000000');
    assert.equal(backup.manifest.version, 'v_20261103_000000');
  });

});
