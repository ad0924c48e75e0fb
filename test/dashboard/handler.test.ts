import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminClaimAccess } from '../../functions/src/dashboard/access.ts';
import { dashboardHandler } from '../../functions/src/dashboard/handler.ts';
import { startDashboardServer, type DashboardServer } from '../../functions/src/dashboard/server.ts';
import type { Ports } from '../../functions/src/ports/index.ts';
import { DashboardDataSchema } from '../../functions/src/stages/report/dashboard-schema.ts';
import { dashboardStory, type DashboardStory } from '../stages/report/fixtures.ts';

let story: DashboardStory;
let open: DashboardServer;
let closed: DashboardServer;
let portsCalls = 0;

before(async () => {
  story = await dashboardStory();
  const ports = async (): Promise<Ports> => (portsCalls++, story.env.ports);
  open = await startDashboardServer(dashboardHandler({ config: story.env.config, ports }), { port: 0 });
  const verify = async (token: string) => {
    if (token === 'admin') return { uid: 'alice', admin: true };
    if (token === 'user') return { uid: 'bob' };
    throw Object.assign(new Error('bad token'), { code: 'auth/argument-error' });
  };
  closed = await startDashboardServer(dashboardHandler({ config: story.env.config, ports, access: adminClaimAccess(verify), cacheMs: 3_600_000 }), { port: 0 });
});
after(async () => {
  await open.close();
  await closed.close();
  await story.env.close();
});

const get = (server: DashboardServer, path: string, init: RequestInit = {}) => fetch(new URL(path, server.url), init);

describe('the dashboard handler (loopback, no sign-in)', () => {
  it('serves the page: every section, no data in it, a CSP that allows its one inline script by hash', async () => {
    const res = await get(open, '/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html/);
    const html = await res.text();
    for (const id of ['last_retraining', 'current_model_performance', 'retraining_triggers', 'upcoming_retraining', 'recent_deployments', 'performance_trends', 'recent_runs']) {
      assert.match(html, new RegExp(`id="${id}"`), id);
    }
    assert.doesNotMatch(html, new RegExp(story.firstRunId));
    assert.doesNotMatch(html, /https?:\/\/(?!vega\.github\.io)/, 'no external URL');
    const csp = res.headers.get('content-security-policy')!;
    const inline = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    assert.ok(csp.includes(`'sha256-${createHash('sha256').update(inline).digest('base64')}'`), csp);
    assert.match(csp, /connect-src 'self'/);
    assert.match(html, /content="60"/);
  });

  it('serves the chart libraries from the installed packages and the page scripts; nothing else under assets/', async () => {
    for (const [name, marker] of [['vega.min.js', 'vega'], ['vega-lite.min.js', 'vegaLite'], ['vega-embed.min.js', 'vegaEmbed'], ['dashboard.js', 'api/dashboard'], ['charts.js', 'DashboardCharts'], ['sections.js', 'DashboardSections'], ['dashboard.css', '.card']]) {
      const res = await get(open, `/assets/${name}`);
      assert.equal(res.status, 200, name);
      assert.ok((await res.text()).includes(marker), name);
    }
    assert.equal((await get(open, '/assets/index.html')).status, 404);
    assert.equal((await get(open, '/assets/%2e%2e%2fhandler.ts')).status, 404);
    assert.equal((await get(open, '/assets/toString')).status, 404);
  });

  it('/api/dashboard: the dashboard data, with ?days= of trends', async () => {
    const res = await get(open, '/api/dashboard');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const data = DashboardDataSchema.parse(await res.json());
    assert.equal(data.last_retraining.run?.runId, story.secondRunId);
    const week = DashboardDataSchema.parse(await (await get(open, '/api/dashboard?days=7')).json());
    assert.equal(week.performance_trends.window.days, 7);
    assert.ok(week.performance_trends.liveAccuracy.points.length < data.performance_trends.liveAccuracy.points.length);
    for (const bad of ['0', '366', '1.5', 'x']) assert.equal((await get(open, `/api/dashboard?days=${bad}`)).status, 400, bad);
  });

  it('serves report files under the reports prefix only, as sandboxed documents', async () => {
    const res = await get(open, `/reports/${story.firstRunId}/report.html`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html/);
    assert.match(res.headers.get('content-security-policy')!, /^sandbox/);
    assert.match(await res.text(), /Comparison report/);
    assert.match(res.headers.get('content-type')!, /html/);
    assert.equal((await get(open, `/reports/${story.firstRunId}/comparison.json`)).headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal((await get(open, '/reports/run_nope/report.html')).status, 404);
    assert.equal((await get(open, '/reports/')).status, 404);
  });

  it('nothing outside the reports prefix is reachable, however the path is spelled', async () => {
    await story.env.ports.artifacts.put('secret.txt', 'do not serve');
    const attempts = [
      '/reports/..%2Fsecret.txt',
      '/reports/..%2f..%2fsecret.txt',
      '/reports/%2e%2e/secret.txt',
      '/reports/..%5Csecret.txt',
      '/reports/x/..%2F..%2Fsecret.txt',
      '/reports//secret.txt',
      '/reports/%00/secret.txt',
      `/reports/..%2Fmodels%2Fcurrent.json`,
      `/reports/..%2Fdatasets%2F${story.firstRunId}%2Fproduction_data.csv`,
    ];
    for (const path of attempts) {
      const res = await get(open, path);
      assert.ok([400, 404].includes(res.status), `${path}: ${res.status}`);
      assert.doesNotMatch(await res.text(), /do not serve|"version"|css_class/, path);
    }
  });

  it('answers GET and HEAD only; unknown paths are 404', async () => {
    const post = await get(open, '/api/dashboard', { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await get(open, '/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal((await get(open, '/api/other')).status, 404);
    assert.equal((await get(open, '/index.html')).status, 404);
  });
});

describe('the dashboard handler with the admin-claim policy', () => {
  it('the page and its assets need no token; data and reports do: 401 without, 403 without the claim', async () => {
    assert.equal((await get(closed, '/')).status, 200);
    assert.equal((await get(closed, '/assets/dashboard.js')).status, 200);
    for (const path of ['/api/dashboard', `/reports/${story.firstRunId}/report.html`]) {
      const none = await get(closed, path);
      assert.equal(none.status, 401, path);
      assert.match(none.headers.get('www-authenticate')!, /^Bearer/);
      assert.equal((await get(closed, path, { headers: { Authorization: 'Bearer forged' } })).status, 401, path);
      const user = await get(closed, path, { headers: { Authorization: 'Bearer user' } });
      assert.equal(user.status, 403, path);
      assert.match(((await user.json()) as { error: string }).error, /admin/);
      assert.equal((await get(closed, path, { headers: { Authorization: 'Bearer admin' } })).status, 200, path);
    }
  });

  it('a refused request reads nothing from the store; an allowed one within the cache time reads it once', async () => {
    const before = portsCalls;
    await get(closed, '/api/dashboard');
    await get(closed, '/api/dashboard?days=9', { headers: { Authorization: 'Bearer user' } });
    assert.equal(portsCalls, before);
    const a = await (await get(closed, '/api/dashboard?days=3', { headers: { Authorization: 'Bearer admin' } })).json();
    const b = await (await get(closed, '/api/dashboard?days=3', { headers: { Authorization: 'Bearer admin' } })).json();
    assert.deepEqual(a, b);
    assert.equal(portsCalls, before + 1);
  });
});
