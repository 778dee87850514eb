import { connect, type Socket } from 'node:net';

/** One WebSocket text frame from a client: masked (as the protocol requires) with a zero key, so the payload goes as is. */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('short frames only');
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

/**
 * A screen that joins /board and then never reads another byte, while it keeps writing engine.io
 * pongs blindly: a hung player, or a client that wants the hub to hold everything sent to it.
 * A fake for a fault a real screen cannot produce on purpose.
 */
export class StalledScreen {
  readonly socket: Socket;
  #pongs: NodeJS.Timeout | undefined;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('close', () => {
      this.closed = true;
      clearInterval(this.#pongs);
    });
    socket.on('error', () => undefined);
  }

  static open(host: string, port: number): Promise<StalledScreen> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      const timer = setTimeout(() => reject(new Error('stalled screen: no upgrade in time')), 10_000);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.write(
          `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        clearTimeout(timer);
        socket.off('data', onData);
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`stalled screen: ${head.split('\r\n')[0]}`));
        const screen = new StalledScreen(socket);
        socket.write(clientFrame('40/board,'));
        // From here on it reads nothing: what the hub sends piles up in the kernel, then in the hub.
        socket.pause();
        screen.#pongs = setInterval(() => socket.write(clientFrame('3')), 5_000);
        resolve(screen);
      };
      socket.on('data', onData);
    });
  }

  /** Asks for a fresh snapshot, as a screen may once a second, without reading the last one. */
  sync(): void {
    if (!this.closed) this.socket.write(clientFrame('42/board,["sync"]'));
  }

  close(): void {
    clearInterval(this.#pongs);
    this.socket.destroy();
  }
}
