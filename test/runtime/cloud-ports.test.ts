import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { closePorts, openPorts } from '../../functions/src/adapters/open.ts';
import type { Ports } from '../../functions/src/ports/index.ts';
import { getCloudPorts, resetCloudPorts, setPortsFactory } from '../../functions/src/runtime/cloud-ports.ts';
import { resetRuntimeConfig, runtimeConfig } from '../../functions/src/runtime/config.ts';

describe('function runtime', () => {
  let root: string;
  after(async () => {
    await setPortsFactory(null);
    resetRuntimeConfig();
    delete process.env.RETRAIN_CONFIG;
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('loads the config named by RETRAIN_CONFIG once per instance', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'runtime-'));
    const file = path.join(root, 'retraining.yaml');
    await writeFile(file, 'pipeline:\n  region: us-central1\n');
    process.env.RETRAIN_CONFIG = file;
    resetRuntimeConfig();
    const a = runtimeConfig();
    assert.equal(a.config.pipeline.region, 'us-central1');
    assert.equal(a.source, file);
    assert.equal(runtimeConfig(), a);
  });

  it('opens the ports once, shares them, and retries an open that failed', async () => {
    let opened = 0;
    let fail = true;
    await setPortsFactory(async (config) => {
      opened++;
      if (fail) throw new Error('no network');
      return await openPorts(config, { backend: 'embedded', root });
    });
    await assert.rejects(getCloudPorts(), /no network/);
    fail = false;
    const [a, b] = await Promise.all([getCloudPorts(), getCloudPorts()]);
    assert.equal(a, b);
    assert.equal(opened, 2);
    await resetCloudPorts();
    const c: Ports = await getCloudPorts();
    assert.notEqual(c, a);
    assert.equal(opened, 3);
    await closePorts(c);
  });
});
