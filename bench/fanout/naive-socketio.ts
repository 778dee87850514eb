// Baseline 2: socket.io as a typical developer writes it: `io.emit` per Redis message.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false });
const sub = new Redis(process.env.REDIS_URL!);
await sub.subscribe(process.env.CHANNEL!);
sub.on('message', (_channel: string, message: string) => io.emit('order', JSON.parse(message) as unknown));
http.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('disconnect', () => process.exit(0));
