/**
 * Registry integrity, case by case: a truncated model, an edited leaf, a missing file, a bad
 * manifest and an unreadable serving state are each detected, never served, and repaired with
 * one rollback.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import { verifyVersion, verifyVersions } from '../../functions/src/models/verify.ts';
import { openModelServer } from '../../functions/src/serving/open-server.ts';
import { deploy } from '../../functions/src/stages/deploy/deploy.ts';
import { listDeployments } from '../../functions/src/stages/deploy/deployment-store.ts';
import { rollback } from '../../functions/src/stages/deploy/rollback.ts';
import { DAMAGE, context, corruptServingState, openServingPorts, trainVersion, versionDir } from '../serving/fixtures.ts';

const actor = { kind: 'cli', id: 'tester' } as const;

const CASES = [
  { name: 'truncated model', damage: DAMAGE.truncatedModel, problem: /models\/css_class_theme\.json: \d+ bytes, the manifest says \d+/ },
  { name: 'edited leaf', damage: DAMAGE.editedLeaf, problem: /models\/css_var_0\.json: (sha256 does not match|\d+ bytes)/ },
  { name: 'missing file', damage: DAMAGE.missingFile, problem: /scaler\.json: missing/ },
  {
    name: 'bad manifest',
    damage: (ports: Parameters<typeof DAMAGE.missingFile>[0], v: string) => writeFileSync(path.join(versionDir(ports, v), 'manifest.json'), '{"schemaVersion": 1, "version": '),
    problem: /manifest\.json: .*not valid JSON/,
  },
] as const;

describe('registry integrity', () => {
  let ports: Awaited<ReturnType<typeof openServingPorts>>;
  let v1: string;
  let v2: string;
  const registry = () => new ModelRegistry(ports.artifacts);

  beforeEach(async () => {
    ports = await openServingPorts();
    v1 = await trainVersion(ports, { seed: 1 });
    v2 = await trainVersion(ports, { seed: 2 });
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    await deploy(ports, ports.config, { version: v2, strategy: 'immediate', actor });
  });
  afterEach(() => ports.close());

  it('an intact version verifies, file by file', async () => {
    const c = await verifyVersion(registry(), v1);
    assert.deepEqual([c.ok, c.problems], [true, []]);
    assert.equal(c.filesChecked, 14);
  });

  for (const c of CASES) {
    it(`${c.name}: detected, the other versions still listed, never served, repaired by one rollback`, async () => {
      c.damage(ports, v2);
      const [bad, good] = await Promise.all([verifyVersion(registry(), v2), verifyVersion(registry(), v1)]);
      assert.equal(bad.ok, false);
      assert.ok(bad.problems.some((p) => c.problem.test(p)), bad.problems.join('; '));
      assert.equal(good.ok, true);
      assert.deepEqual((await verifyVersions(registry(), await registry().listVersions())).map((x) => x.ok), [true, false]);

      // The serving path serves around it (previous version) and records the fallback.
      const { server } = openModelServer(ports, ports.config, { actor });
      for (let i = 0; i < 5; i++) assert.equal((await server.predict(`u${i}`, context(i))).model_version, v1);
      await server.idle();
      assert.equal((await registry().readServingState()).pointer?.version, v1);
      const last = (await listDeployments(ports, ports.config)).records[0];
      assert.deepEqual([last.action, last.fromVersion, last.toVersion], ['rollback', v2, v1]);
      assert.match(last.reason, /^damaged: stable version/);

      // The deployer refuses it; a rollback to it is refused too.
      assert.equal((await deploy(ports, ports.config, { version: v2, strategy: 'immediate', actor })).outcome, 'rejected');
      assert.equal((await rollback(ports, ports.config, { to: v2, actor })).outcome, 'rejected');
      assert.equal((await registry().readServingState()).pointer?.version, v1);
    });
  }

  it('an unreadable current.json: detected, a fresh server serves the default stylesheet, a running one keeps its versions; one rollback repairs it', async () => {
    const { server: running } = openModelServer(ports, ports.config, { actor });
    assert.equal((await running.predict('u1', context())).model_version, v2);
    corruptServingState(ports);
    const read = await registry().readServingState();
    assert.equal(read.pointer, null);
    assert.match(read.problem ?? '', /not valid JSON/);
    assert.ok(read.generation);
    assert.equal((await running.predict('u1', context())).model_version, v2);
    assert.equal(running.health().status, 'degraded');
    const { server: fresh } = openModelServer(ports, ports.config, { actor });
    assert.equal((await fresh.predict('u1', context())).variant, 'default');

    await assert.rejects(rollback(ports, ports.config, { actor }), /Nothing to roll back to: current\.json is unreadable/);
    const repaired = await rollback(ports, ports.config, { to: v1, actor });
    assert.equal(repaired.outcome, 'rolled_back');
    assert.match(repaired.reason, /current\.json was unreadable/);
    assert.equal((await registry().readServingState()).pointer?.version, v1);
    assert.equal((await fresh.predict('u1', context())).model_version, v1);
  });
});
