/**
 * The serving handler over node:http (as `retrain serve` runs it) and over an Express-like request
 * that carries `rawBody` (as the `predict` function receives it): answers, field paths on bad
 * input, body limits, routes and the health check.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServedSchema } from '../../functions/src/data/log-schema.ts';
import { listen, type ListeningServer } from '../../functions/src/serving/http-server.ts';
import { openModelServer } from '../../functions/src/serving/open-server.ts';
import { deploy } from '../../functions/src/stages/deploy/deploy.ts';
import { context, openServingPorts, trainVersion } from './fixtures.ts';

describe('serving handler', () => {
  let ports: Awaited<ReturnType<typeof openServingPorts>>;
  let http: ListeningServer;
  let v1: string;
  let handler: ReturnType<typeof openModelServer>['handler'];
  const post = (body: string, path = '/predict') => fetch(`${http.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  before(async () => {
    ports = await openServingPorts({ serving: { maxBodyBytes: 4096 } });
    v1 = await trainVersion(ports, { seed: 1 });
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor: { kind: 'cli', id: 'test' } });
    const opened = openModelServer(ports, ports.config, { actor: { kind: 'cli', id: 'test' } });
    handler = opened.handler;
    http = await listen(opened.handler, opened.server, { port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await http?.close();
    await ports?.close();
  });

  it('POST /predict (and POST /, the function URL) answers the served block', async () => {
    for (const path of ['/predict', '/']) {
      const res = await post(JSON.stringify({ user_id: 'u1', context: context(3) }), path);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const served = (await res.json()) as any;
      assert.ok(ServedSchema.safeParse(served).success, JSON.stringify(served));
      assert.equal(served.model_version, v1);
    }
  });

  it('bad input is a 400 naming the field path', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ user_id: 'u1', context: { ...context(), viewport_width: 12 } }, /^context\.viewport_width: /],
      [{ context: context() }, /^user_id: /],
      [{ user_id: 'u1', context: { ...context(), device_class: 'fridge' } }, /^context\.device_class: /],
      [[1, 2], /^\(body\): /],
    ];
    for (const [body, path] of cases) {
      const res = await post(JSON.stringify(body));
      assert.equal(res.status, 400);
      const out = (await res.json()) as any;
      assert.equal(out.error, 'invalid_request');
      assert.match(out.issues[0].path + ': ', path, JSON.stringify(out));
    }
    const notJson = await post('{"user_id": ');
    assert.deepEqual([notJson.status, ((await notJson.json()) as any).error], [400, 'invalid_json']);
  });

  it('a body over serving.maxBodyBytes is a 413; wrong routes and methods are 404 and 405', async () => {
    const huge = await post(JSON.stringify({ user_id: 'u1', context: context(), pad: 'x'.repeat(10_000) }));
    assert.deepEqual([huge.status, ((await huge.json()) as any).limitBytes], [413, 4096]);
    assert.equal((await fetch(`${http.url}/nope`)).status, 404);
    const get = await fetch(`${http.url}/predict`);
    assert.deepEqual([get.status, get.headers.get('allow')], [405, 'POST']);
    const preflight = await fetch(`${http.url}/predict`, { method: 'OPTIONS' });
    assert.deepEqual([preflight.status, preflight.headers.get('access-control-allow-methods')], [204, 'GET, POST, OPTIONS']);
  });

  it('GET /healthz reports the serving state and the versions in memory', async () => {
    const h = (await (await fetch(`${http.url}/healthz`)).json()) as any;
    assert.equal(h.status, 'ok');
    assert.deepEqual([h.state.version, h.serving.stable, h.loaded], [v1, v1, [v1]]);
  });

  it('an Express-like request with rawBody (the predict function) goes through the same handler', async () => {
    const body = Buffer.from(JSON.stringify({ user_id: 'u2', context: context(5) }));
    const sent: { status?: number; headers: Record<string, unknown>; body?: string } = { headers: {} };
    const req = { method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, rawBody: body, body: JSON.parse(body.toString()), async *[Symbol.asyncIterator]() {} };
    const res = {
      statusCode: 0,
      setHeader: (k: string, v: unknown) => void (sent.headers[k.toLowerCase()] = v),
      end(b?: string) {
        sent.status = this.statusCode;
        sent.body = b;
      },
    };
    await handler(req, res);
    assert.equal(sent.status, 200);
    assert.equal(JSON.parse(sent.body!).model_version, v1);
  });
});
