import { vi } from 'vitest';
import { BoardFeed } from '../../shared/client/board-feed.js';
import type { BoardServerToClientEvents } from '../../shared/events.js';
import type { Scene } from '../../shared/schemas/board.js';

export interface Screen {
  feed: BoardFeed;
  /** Every board event this screen received, in order. */
  events: { name: keyof BoardServerToClientEvents; seq: number; id?: string; status?: string; removed?: true }[];
  /** How many `batch` frames carried some of those events. */
  frames: { batches: number };
  /** Telemetry: each `readings` frame's arrival time, and how many updates it carried per machine. */
  readings: { at: number; ids: string[] }[];
  /** Every scene state this screen's board took on, in order: a short-lived program is still seen here after it is gone. */
  scenes: Scene[];
}

/** Real socket.io clients running the screens' own board logic (BoardFeed). */
export async function connectScreens(url: string, count: number): Promise<Screen[]> {
  const screens: Screen[] = [];
  for (let i = 0; i < count; i++) {
    const scenes: Scene[] = [];
    const onChange = (mirror: BoardFeed['mirror']) => {
      if (scenes.at(-1) !== mirror.scene) scenes.push(mirror.scene);
    };
    const feed = new BoardFeed({ url, transports: ['websocket'], onChange });
    const screen: Screen = { feed, events: [], frames: { batches: 0 }, readings: [], scenes };
    feed.socket.on('readings', (updates) => screen.readings.push({ at: Date.now(), ids: updates.map((u) => u.id) }));
    feed.socket.on('snapshot', (s) => screen.events.push({ name: 'snapshot', seq: s.seq }));
    feed.socket.on('order', (e) =>
      screen.events.push({ name: 'order', seq: e.seq, id: e.order.id, status: e.order.status, ...(e.removed ? { removed: true as const } : {}) }),
    );
    feed.socket.on('machine', (e) => screen.events.push({ name: 'machine', seq: e.seq, id: e.machine.id }));
    feed.socket.on('scene', (e) => screen.events.push({ name: 'scene', seq: e.seq }));
    feed.socket.on('run', (e) => screen.events.push({ name: 'run', seq: e.seq, id: e.run.id, status: e.run.status }));
    // A batch frame is recorded as the events it carries, in order.
    feed.socket.on('batch', (items) => {
      screen.frames.batches++;
      for (const [name, e] of items) {
        if (name === 'order')
          screen.events.push({ name, seq: e.seq, id: e.order.id, status: e.order.status, ...(e.removed ? { removed: true as const } : {}) });
        else if (name === 'machine') screen.events.push({ name, seq: e.seq, id: e.machine.id });
        else if (name === 'run') screen.events.push({ name, seq: e.seq, id: e.run.id, status: e.run.status });
        else screen.events.push({ name, seq: e.seq });
      }
    });
    screens.push(screen);
  }
  await vi.waitFor(
    () => {
      if (!screens.every((s) => s.feed.mirror.loaded)) throw new Error('screens still waiting for their snapshot');
    },
    { timeout: 15_000, interval: 20 },
  );
  return screens;
}

export function closeScreens(screens: Screen[]): void {
  for (const s of screens) s.feed.close();
}

/** Waits until `check` stops throwing, up to `timeout` ms. */
export function eventually(check: () => void | Promise<void>, timeout = 10_000): Promise<void> {
  return vi.waitFor(check, { timeout, interval: 20 });
}
