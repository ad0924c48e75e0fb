/**
 * Issue 9's "done when" on the embedded default, through the CLI: simulate and collect, train v1
 * and deploy it; simulate more sessions (served by v1), train v2 and `retrain deploy v2 --strategy
 * canary --percentage 10`; 10,000 distinct users through `retrain serve` (a child process) get v2
 * within 10 ± 1.5 %, each user always the same variant; `retrain rollback` serves v1 to everyone
 * in one call; `retrain deployments list` shows the three events. Then the damaged-file repairs
 * the CLI offers: `models verify` finds damage, `rollback --to` repairs an unreadable state.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliRun } from '../run-cli.ts';
import { context } from '../../serving/fixtures.ts';

let root: string;
let cfg: string;
const BIN = path.resolve(import.meta.dirname, '../../../bin/retrain.js');

async function retrain(args: string[]): Promise<CliRun> {
  return await runCli([...args, '--root', root, '--config', cfg]);
}

async function json(args: string[], expectCode = 0): Promise<any> {
  const r = await retrain([...args, '--json']);
  assert.equal(r.code, expectCode, `${args.join(' ')}: ${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout);
}

/** `retrain serve` in a child process; resolves once it prints its address. */
async function startServe(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '--root', root, '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout! });
  let text = '';
  for await (const line of lines) {
    text += line;
    try {
      return { url: JSON.parse(text).url, child };
    } catch {
      // The JSON document spans several lines.
    }
  }
  throw new Error(`retrain serve exited before listening: ${text}`);
}

/** The served variant and version of each user, `concurrency` requests at a time. */
async function predictAll(url: string, users: string[], concurrency = 16): Promise<Map<string, { variant: string; version: string | null }>> {
  const out = new Map<string, { variant: string; version: string | null }>();
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const u = users[next++];
      const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_id: u, context: context(users.indexOf(u) % 50) }) });
      assert.equal(res.status, 200);
      const served = (await res.json()) as any;
      out.set(u, { variant: served.variant, version: served.model_version });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

describe('retrain deploy / rollback / deployments / serve on the embedded default', () => {
  let serve: { url: string; child: ChildProcess } | null = null;
  let v1: string;
  let v2: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'deploy-cli-'));
    cfg = path.join(root, 'retraining.yaml');
    await writeFile(cfg, 'training:\n  rounds: 6\n  maxDepth: 3\n  workers: 1\nserving:\n  stateRefreshSeconds: 0\n');
  });
  after(async () => {
    if (serve?.child.pid && serve.child.exitCode === null) {
      const exited = new Promise((r) => serve!.child.once('exit', r));
      process.kill(serve.child.pid, 'SIGTERM');
      await exited;
    }
    await rm(root, { recursive: true, force: true });
  });

  it('train v1 on simulated sessions and deploy it; train v2 on sessions v1 served', async () => {
    await json(['simulate', '--users', '80', '--sessions-per-day', '3', '--days', '10', '--start-date', '2026-01-01', '--seed', '1']);
    await json(['collect', '--start-date', '2026-01-01', '--end-date', '2026-01-10', '--output', path.join(root, 'v1.csv')]);
    v1 = (await json(['full', '--data', path.join(root, 'v1.csv')])).model_version;
    const d1 = await json(['deploy', v1, '--strategy', 'immediate', '--reason', 'first deployment']);
    assert.deepEqual([d1.outcome, d1.record.toVersion, d1.state.version], ['applied', v1, v1]);

    const sim = await json(['simulate', '--users', '80', '--sessions-per-day', '3', '--days', '4', '--start-date', '2026-01-11', '--seed', '2']);
    assert.equal(sim.servedBy, v1);
    await json(['collect', '--start-date', '2026-01-01', '--end-date', '2026-01-14', '--output', path.join(root, 'v2.csv')]);
    v2 = (await json(['full', '--data', path.join(root, 'v2.csv')])).model_version;
    assert.notEqual(v2, v1);
    assert.equal((await json(['models', 'current'])).pointer.version, v1);
  });

  it('deploy v2 --strategy canary --percentage 10: 10,000 users through retrain serve get v2 within 10 ± 1.5 %, each always the same variant', async () => {
    const c = await json(['deploy', v2, '--strategy', 'canary', '--percentage', '10']);
    assert.deepEqual([c.outcome, c.state.canary.version, c.state.canary.percentage], ['canary', v2, 10]);
    serve = await startServe();
    const users = Array.from({ length: 10_000 }, (_, i) => `web-user-${i}`);
    const first = await predictAll(serve.url, users);
    const onCanary = [...first.values()].filter((s) => s.variant === 'canary');
    assert.ok(Math.abs(onCanary.length / users.length - 0.1) <= 0.015, `canary share ${onCanary.length / users.length}`);
    assert.ok(onCanary.every((s) => s.version === v2));
    assert.ok([...first.values()].filter((s) => s.variant === 'current').every((s) => s.version === v1));
    const sample = users.filter((_, i) => i % 4 === 0);
    const second = await predictAll(serve.url, sample);
    for (const u of sample) assert.deepEqual(second.get(u), first.get(u), u);
  });

  it('retrain rollback serves v1 to everyone in one call; the history shows the three events', async () => {
    const r = await json(['rollback', '--reason', 'canary looks off']);
    assert.deepEqual([r.outcome, r.record.fromVersion, r.record.toVersion], ['rolled_back', v2, v1]);
    const after = await predictAll(serve!.url, Array.from({ length: 10_000 }, (_, i) => `web-user-${i}`));
    assert.ok([...after.values()].every((s) => s.version === v1 && s.variant === 'current'));

    const history = (await json(['deployments', 'list'])).deployments;
    assert.deepEqual(
      history.map((d: any) => [d.action, d.fromVersion, d.toVersion, d.outcome]),
      [
        ['rollback', v2, v1, 'rolled_back'],
        ['canary_start', v1, v2, 'rolled_back'],
        ['deploy', null, v1, 'applied'],
      ],
    );
    assert.equal(history[0].reason, 'canary looks off');
    assert.equal(history[0].actor.kind, 'cli');
    const shown = await json(['deployments', 'show', history[1].deploymentId]);
    assert.equal(shown.percentage, 10);
    const text = (await retrain(['deployments', 'list'])).stdout;
    assert.match(text, /rollback\s+v_\S+\s+→ v_\S+\s+100 %\s+rolled_back/);
  });

  it('damage: models verify and models list find it, deploy refuses it, rollback --to repairs an unreadable current.json', async () => {
    const { truncateSync, writeFileSync } = await import('node:fs');
    const bucket = path.join(root, '.retrain', 'bucket', 'models');
    truncateSync(path.join(bucket, v2, 'models', 'css_var_3.json'), 10);
    const verify = await json(['models', 'verify', '--all'], 1);
    assert.deepEqual(verify.versions.map((v: any) => [v.version, v.ok]), [[v1, true], [v2, false]]);
    const list = await json(['models', 'list']);
    assert.deepEqual(list.versions.map((v: any) => v.damaged), [false, true]);
    const refused = await json(['deploy', v2, '--strategy', 'immediate'], 1);
    assert.equal(refused.outcome, 'rejected');

    writeFileSync(path.join(bucket, 'current.json'), 'not json');
    const current = await json(['models', 'current'], 1);
    assert.match(current.problem, /not valid JSON/);
    assert.equal((await retrain(['rollback'])).code, 1);
    const repaired = await json(['rollback', '--to', v1]);
    assert.equal(repaired.outcome, 'rolled_back');
    assert.equal((await json(['models', 'current'])).pointer.version, v1);
    assert.equal((await json(['models', 'verify'])).ok, true);
  });

  it('usage errors exit 2; --help has examples', async () => {
    assert.equal((await retrain(['deploy', v1, '--strategy', 'sideways'])).code, 2);
    assert.equal((await retrain(['deploy', v1, '--percentage', '150'])).code, 2);
    assert.equal((await retrain(['deploy', v1, '--strategy', 'immediate', '--percentage', '10'])).code, 2);
    for (const cmd of [['deploy'], ['rollback'], ['deployments', 'watch'], ['serve'], ['models', 'verify']]) {
      const h = await retrain([...cmd, '--help']);
      assert.equal(h.code, 0);
      assert.match(h.stdout, /Examples:/, cmd.join(' '));
    }
  });
});
