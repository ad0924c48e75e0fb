import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { FolderArtifactStore } from '../../../functions/src/adapters/embedded/folder-artifact-store.ts';
import { runArtifactStoreContract } from '../contracts/artifact-store.contract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'folder-bucket-'));
after(() => rmSync(dir, { recursive: true, force: true }));

runArtifactStoreContract('FolderArtifactStore', async () => new FolderArtifactStore(path.join(dir, 'bucket')));

const storeModule = new URL('../../../functions/src/adapters/embedded/folder-artifact-store.ts', import.meta.url).href;

/** Run `put(path, body, { ifGenerationMatch })` in a separate process; resolves with 'won' or the error name. */
function putInChild(root: string, objectPath: string, body: string, ifGenerationMatch: string): Promise<string> {
  const script = `
    const { FolderArtifactStore } = await import(${JSON.stringify(storeModule)});
    const s = new FolderArtifactStore(${JSON.stringify(root)});
    try { await s.put(${JSON.stringify(objectPath)}, ${JSON.stringify(body)}, { ifGenerationMatch: ${JSON.stringify(ifGenerationMatch)} }); console.log('won'); }
    catch (e) { console.log(e.name); }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim()));
  });
}

describe('FolderArtifactStore', () => {
  it('lays objects out as plain files under the root and hides temporary and lock files', async () => {
    const root = path.join(dir, 'layout');
    const store = new FolderArtifactStore(root);
    await store.put('models/v1/model.json', '{}');
    mkdirSync(path.join(root, 'models', 'v1'), { recursive: true });
    writeFileSync(path.join(root, 'models', 'v1', '.~tmp-leftover'), 'half');
    writeFileSync(path.join(root, 'models', '.~lock-abc'), '1');
    assert.deepEqual((await store.list('')).map((o) => o.path), ['models/v1/model.json']);
    assert.deepEqual(readdirSync(path.join(root, 'models', 'v1')).sort(), ['.~tmp-leftover', 'model.json']);
    assert.equal(store.root, root);
  });

  it('lets exactly one of two processes win a write-once and a compare-and-swap', async () => {
    const root = path.join(dir, 'processes');
    const store = new FolderArtifactStore(root);
    const v1 = await store.put('ptr', 'v1');
    const [a, b, c, d] = await Promise.all([
      putInChild(root, 'once', 'A', '0'),
      putInChild(root, 'once', 'B', '0'),
      putInChild(root, 'ptr', 'A', v1.generation),
      putInChild(root, 'ptr', 'B', v1.generation),
    ]);
    assert.deepEqual([a, b].sort(), ['ConflictError', 'won']);
    assert.deepEqual([c, d].sort(), ['ConflictError', 'won']);
  });

  it('reports a path that clashes with a folder as a DataError', async () => {
    const store = new FolderArtifactStore(path.join(dir, 'clash'));
    await store.put('a/b', 'x');
    await assert.rejects(store.put('a', 'y'), { name: 'DataError' });
    await assert.rejects(store.put('a/b/c', 'y'), { name: 'DataError' });
  });
});
