import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the hub posts to an alert webhook (the fields the tests read). */
export interface Posted {
  state: 'raised' | 'cleared';
  alert: string;
  kind: string;
  code: string;
  params: Record<string, unknown>;
  message: string;
}

/** A real HTTP receiver on loopback; `hang` makes it accept requests and never answer. */
export async function receiver(
  hang = false,
): Promise<{ url: string; got: Posted[]; requests: () => number; open: () => number; peak: () => number; close: () => Promise<void> }> {
  const got: Posted[] = [];
  let requests = 0;
  let open = 0;
  let peak = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests++;
    peak = Math.max(peak, ++open);
    // Open until answered, or until the sender gives up (its timeout) or goes.
    res.once('close', () => open--);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (hang) return;
      got.push(JSON.parse(body) as Posted);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    requests: () => requests,
    open: () => open,
    peak: () => peak,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
