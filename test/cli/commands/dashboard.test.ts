import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DashboardDataSchema } from '../../../functions/src/stages/report/dashboard-schema.ts';
import { dashboardStory, type DashboardStory } from '../../stages/report/fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/retrain.js');
let story: DashboardStory;

before(async () => {
  story = await dashboardStory();
});
after(() => story.env.close());

describe('retrain dashboard', () => {
  it('serves the page and /api/dashboard on 127.0.0.1 until stopped', async () => {
    const child = spawn(process.execPath, [BIN, 'dashboard', '--root', story.env.root, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => void (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const { url } = await new Promise<{ url: string }>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => {
          stdout += b.toString();
          try {
            resolve(JSON.parse(stdout));
          } catch {
            // not the whole document yet
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.match(await (await fetch(url)).text(), /id="performance_trends"/);
      const data = DashboardDataSchema.parse(await (await fetch(new URL('api/dashboard', url))).json());
      assert.equal(data.last_retraining.run?.runId, story.secondRunId);
      assert.equal((await fetch(new URL(`reports/${story.firstRunId}/report.html`, url))).status, 200);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
  });
});
