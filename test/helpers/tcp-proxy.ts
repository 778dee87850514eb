import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

interface Link {
  client: Socket;
  backend: Socket;
}

/**
 * A loopback TCP proxy standing in for a store's load balancer and its Wi-Fi:
 * new connections go round-robin to the backends, skipping one that refuses
 * (a dead hub), and links can be paused (a network cut) or dropped.
 */
export class TcpProxy {
  readonly links: Link[] = [];
  #server: Server;
  #backends: number[];
  #next = 0;

  private constructor(server: Server, backends: number[]) {
    this.#server = server;
    this.#backends = backends;
    server.on('connection', (client) => this.#route(client, 0));
  }

  static async start(backends: number[]): Promise<TcpProxy> {
    const server = createServer({ pauseOnConnect: true });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new TcpProxy(server, backends);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops carrying bytes both ways on these links, as a network that has gone quiet. */
  pause(links: Link[]): void {
    for (const l of links) {
      l.client.unpipe(l.backend);
      l.backend.unpipe(l.client);
      l.client.pause();
      l.backend.pause();
    }
  }

  resume(links: Link[]): void {
    for (const l of links) {
      l.client.pipe(l.backend);
      l.backend.pipe(l.client);
    }
  }

  async close(): Promise<void> {
    for (const l of this.links) {
      l.client.destroy();
      l.backend.destroy();
    }
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #route(client: Socket, tried: number): void {
    if (tried >= this.#backends.length) {
      client.destroy();
      return;
    }
    const port = this.#backends[this.#next++ % this.#backends.length]!;
    const backend = connect(port, '127.0.0.1');
    const refused = () => this.#route(client, tried + 1);
    backend.once('error', refused);
    backend.once('connect', () => {
      backend.off('error', refused);
      const link = { client, backend };
      this.links.push(link);
      client.pipe(backend);
      backend.pipe(client);
      const end = () => {
        client.destroy();
        backend.destroy();
        const i = this.links.indexOf(link);
        if (i >= 0) this.links.splice(i, 1);
      };
      client.on('error', end).on('close', end);
      backend.on('error', end).on('close', end);
      client.resume();
    });
  }
}
