import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { order } from './helpers/fixtures.js';
import { startTestHub, tempDir, TEST_TOKEN } from './helpers/hub.js';

interface Answer {
  status: number;
  body: string;
}

/** One request through `agent`, so it goes over whatever connection the agent keeps, as a browser's pool would. */
function send(agent: Agent, url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('a hub restarted on the same port', () => {
  // Node goes on serving a keep-alive connection that was busy when its server closed, and never calls back while the
  // client uses it. A kiosk whose pool held one sent its order after the restart to the stopped hub: the order reached
  // the store's log, never the new hub's board (kiosk.browser.test.ts failed this way on a loaded machine, 2026-12-04).
  it('leaves no connection to the stopped hub: a request after the restart reaches the new one', async () => {
    const dataDir = tempDir();
    const first = await startTestHub({ DATA_DIR: dataDir });
    // One socket, kept alive: every request below goes over it while it stays open.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
    try {
      // A request in flight when the hub stops: a slow client still sending its body.
      const arrived = new Promise<void>((resolve) => first.http.once('request', () => resolve()));
      const body = JSON.stringify(order());
      const slow = request(`${first.url}/api/orders`, { agent, method: 'POST', headers: { ...headers, 'content-length': String(body.length) } });
      const outcome = new Promise<string>((resolve) => {
        slow.on('response', () => resolve('answered by the stopped hub'));
        slow.on('error', () => resolve('cut'));
      });
      slow.write(body.slice(0, 1));
      await arrived;
      await first.close();
      // Cut when the hub stops, not left open for the stopped hub to answer later, nor for the client to send more on.
      const stillOpen = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 5_000).unref());
      expect(await Promise.race([outcome, stillOpen])).toBe('cut');

      const second = await startTestHub({ DATA_DIR: dataDir, PORT: String(first.port) });
      try {
        const placed = order();
        const answer = await send(agent, `${second.url}/api/orders`, { method: 'POST', body: JSON.stringify(placed), headers });
        expect(answer.status).toBe(200);
        // Written by the hub that now listens, so on its board at once: not in a stopped hub's store.
        expect([...second.board.orders()].map((o) => o.id)).toContain(placed.id);
      } finally {
        await second.close();
      }
    } finally {
      agent.destroy();
    }
  });
});
