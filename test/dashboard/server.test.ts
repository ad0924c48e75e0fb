import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_HOST, isLoopback, startDashboardServer } from '../../functions/src/dashboard/server.ts';

describe('the loopback dashboard server', () => {
  it('binds 127.0.0.1 by default and reports the port it got', async () => {
    assert.equal(DEFAULT_HOST, '127.0.0.1');
    const server = await startDashboardServer(async (_req, res) => void res.end('ok'), { port: 0 });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(await (await fetch(server.url)).text(), 'ok');
    } finally {
      await server.close();
    }
  });

  it('tells loopback addresses (no warning) from the others (a warning: there is no sign-in)', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.1.example.com']) assert.equal(isLoopback(host), false, host);
  });
});
