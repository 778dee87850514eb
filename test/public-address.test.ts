import { pino } from 'pino';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { StaffClientToServerEvents, StaffServerToClientEvents } from '../shared/events.js';
import { STAFF_NAMESPACE } from '../shared/protocol.js';
import type { ConsoleState } from '../shared/schemas/staff.js';
import { PublicAddress, isLoopbackHost } from '../server/ordering/public-address.js';
import { TEST_PIN, startTestHub } from './helpers/hub.js';

const quiet = pino({ level: 'silent' });

describe('the address customers’ phones use', () => {
  it('knows the names only the hub machine can reach', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]', 'kiosk.localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['store.test', '192.168.1.20', 'hub.local', '10.0.0.127', 'localhost.example.com']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('flags a kiosk opened on a loopback name once, and none when PUBLIC_URL is set or the name is a network one', () => {
    const open = new PublicAddress(undefined, quiet);
    let changes = 0;
    open.onChange(() => changes++);
    open.noteKiosk('192.168.1.20:8080');
    open.noteKiosk(undefined);
    expect(open.warnings()).toEqual([]);
    open.noteKiosk('localhost:8080');
    open.noteKiosk('127.0.0.1:8080');
    expect(open.warnings()).toEqual([{ code: 'kiosk_on_loopback', params: { address: 'localhost:8080' } }]);
    expect(changes).toBe(1);

    const set = new PublicAddress('http://192.168.1.20:8080', quiet);
    set.noteKiosk('localhost:8080');
    expect(set.warnings()).toEqual([]);
  });

  it('shows a loopback PUBLIC_URL on the staff console from the start', async () => {
    const hub = await startTestHub({ PUBLIC_URL: 'http://localhost:8080' });
    try {
      const login = await fetch(`${hub.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pin: TEST_PIN }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const socket = io(`${hub.url}${STAFF_NAMESPACE}`, {
        transports: ['websocket'],
        extraHeaders: { cookie },
        reconnection: false,
      }) as import('socket.io-client').Socket<StaffServerToClientEvents, StaffClientToServerEvents>;
      const state = await new Promise<ConsoleState>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no console state')), 8_000);
        socket.on('console', (s) => {
          clearTimeout(timer);
          resolve(s);
        });
      });
      socket.close();
      expect(state.warnings).toEqual([{ code: 'public_url_loopback', params: { address: 'http://localhost:8080' } }]);
      const kiosk = (await (await fetch(`${hub.url}/api/kiosk`)).json()) as { data: { publicUrl: string | null } };
      expect(kiosk.data.publicUrl).toBe('http://localhost:8080');
    } finally {
      await hub.close();
    }
  });
});
