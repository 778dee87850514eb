// Baseline 1: the floor of per-message broadcasting in Node. A raw `ws` server
// that writes each Redis message, pre-serialised once, to every client.
import { Redis } from 'ioredis';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: Number(process.env.PORT), host: '127.0.0.1', perMessageDeflate: false });
const listening = new Promise((resolve) => wss.once('listening', resolve));
const sub = new Redis(process.env.REDIS_URL!);
await sub.subscribe(process.env.CHANNEL!);
sub.on('message', (_channel: string, message: string) => {
  const frame = Buffer.from(message);
  for (const client of wss.clients) client.send(frame, { binary: false });
});
await listening;
process.send?.('ready');
process.on('disconnect', () => process.exit(0));
