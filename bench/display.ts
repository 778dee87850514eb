import type { Page } from 'playwright-core';
import { bundleOf } from './bundles.js';
import { launchChromium, storeUrl } from '../test/helpers/browser.js';
import { post, startTestHub } from '../test/helpers/hub.js';
import type { Order } from '../shared/schemas/order.js';

export interface DisplayBench {
  bundle: { files: { file: string; gzipBytes: number }[]; totalGzipBytes: number; budgetBytes: number };
  snapshot200: {
    runsMs: number[];
    medianMs: number;
    maxMs: number;
    budgetMs: number;
    /** The same page loads timed by the earlier probe (polling each frame), which could count one frame more. */
    polledRunsMs?: number[];
    /** The first page of a freshly launched Chromium, timed the same way but apart (it also pays for Chromium's start). */
    browserStartMs?: number;
  };
  updates: Frames & { ratePerS: number; updates: number; idle: Frames; excessDroppedPct: number; excessLongTasks: number };
}

function order(i: number, now: number, status: Order['status'] = i % 3 === 0 ? 'ready' : 'queued'): Order {
  return { id: `b-${i}`, number: String(1000 + i), name: `Guest ${i}`, items: [{ sku: 'bun', qty: 1 }], status, updatedAt: now + i };
}

// Stamps the arrival of the first `snapshot` frame, before the app's own code runs.
const SNAPSHOT_PROBE = `(() => {
  const add = WebSocket.prototype.addEventListener;
  window.__snapshotAt = null;
  const stamp = (e) => { if (window.__snapshotAt === null && typeof e.data === 'string' && e.data.includes('"snapshot"')) window.__snapshotAt = performance.now(); };
  WebSocket.prototype.addEventListener = function (type, fn, o) { if (type === 'message') add.call(this, 'message', stamp); return add.call(this, type, fn, o); };
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', { set(fn) { desc.set.call(this, (e) => { stamp(e); return fn.call(this, e); }); }, get() { return desc.get.call(this); } });
})();`;

interface Frames {
  seconds: number;
  longTasks: number;
  longestTaskMs: number;
  frames: number;
  droppedFrames: number;
  droppedPct: number;
}

/** Long tasks and requestAnimationFrame gaps while `tick` runs `ratePerS` times a second. */
async function measureFrames(page: Page, seconds: number, tick: () => void, ratePerS = 0): Promise<Frames> {
  await page.evaluate(FRAME_PROBE);
  const start = Date.now();
  const timer = ratePerS > 0 ? setInterval(tick, 1000 / ratePerS) : undefined;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  const { long, frames } = await page.evaluate<{ long: number[]; frames: number[] }>('window.__stop()');
  const frameMs = 1000 / 60;
  let dropped = 0;
  for (let i = 1; i < frames.length; i++) dropped += Math.max(0, Math.round((frames[i]! - frames[i - 1]!) / frameMs) - 1);
  return {
    seconds: (Date.now() - start) / 1000,
    longTasks: long.length,
    longestTaskMs: Math.max(0, ...long),
    frames: frames.length,
    droppedFrames: dropped,
    droppedPct: (100 * dropped) / (frames.length + dropped),
  };
}

// Page scripts are strings: tsx would otherwise inject its own helpers into functions sent to the page.
// "On screen" is the frame after the one whose update put the snapshot's cards in the DOM: a
// MutationObserver sees that update as it happens (polling from requestAnimationFrame saw it one frame late
// whenever the poll ran before the app's own frame callback, and so counted an extra frame).
async function renderedAfterSnapshot(page: Page, seq: number): Promise<{ observed: number; polled: number }> {
  return page.evaluate(`new Promise((resolve) => {
    const rendered = () => {
      const stage = document.querySelector('.stage');
      return stage && Number(stage.dataset.seq) >= ${seq} && window.__snapshotAt !== null && document.querySelector('.column.ready .card') !== null;
    };
    const result = {};
    const finish = (key) => () => requestAnimationFrame(() => {
      result[key] = performance.now() - window.__snapshotAt;
      if ('observed' in result && 'polled' in result) resolve(result);
    });
    const observed = finish('observed');
    if (rendered()) observed();
    else {
      const observer = new MutationObserver(() => {
        if (!rendered()) return;
        observer.disconnect();
        observed();
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    }
    // The earlier probe's per-frame poll, kept beside it so the two can be compared on the same page loads.
    // Both wait for a card too (the seq can now render a frame before the cards, which wait for the
    // grid's size), so its figures are not those of runs before 2026-12-02.
    const polled = finish('polled');
    const poll = () => (rendered() ? polled() : requestAnimationFrame(poll));
    poll();
  })`);
}

const FRAME_PROBE = `(() => {
  const long = [];
  const frames = [];
  let on = true;
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
  observer.observe({ type: 'longtask', buffered: false });
  const tick = (t) => { if (!on) return; frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  window.__stop = () => { on = false; observer.disconnect(); return { long, frames }; };
})()`;

export async function benchDisplay(log: (line: string) => void): Promise<DisplayBench> {
  const files = bundleOf('display');
  const bundle = { files, totalGzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0), budgetBytes: 60 * 1024 };
  log(`display bundle: ${(bundle.totalGzipBytes / 1024).toFixed(1)} KB gzipped (budget 60 KB)`);

  const hub = await startTestHub();
  const browser = await launchChromium();
  try {
    const now = Date.now();
    for (let i = 0; i < 200; i++) await post(`${hub.url}/api/orders`, order(i, now));
    const runsMs: number[] = [];
    const polledRunsMs: number[] = [];
    // The first page a freshly launched Chromium opens also pays for Chromium's own start (its GPU and
    // compositor processes, shared libraries from disk): timed and reported apart, not among the seven, as a TV's
    // browser is up long before an order arrives. Run 0 is that page.
    let browserStartMs = 0;
    for (let run = -1; run < 7; run++) {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.addInitScript(SNAPSHOT_PROBE);
      await page.goto(storeUrl(hub.url, '/display'));
      const { observed, polled } = await renderedAfterSnapshot(page, hub.board.seq);
      await page.close();
      if (run < 0) {
        browserStartMs = observed;
        continue;
      }
      runsMs.push(observed);
      polledRunsMs.push(polled);
    }
    const sorted = [...runsMs].sort((a, b) => a - b);
    const snapshot200 = { runsMs, medianMs: sorted[3]!, maxMs: sorted[6]!, budgetMs: 100, polledRunsMs, browserStartMs };
    const polledSorted = [...polledRunsMs].sort((a, b) => a - b);
    log(
      `200-order snapshot on screen: median ${snapshot200.medianMs.toFixed(1)} ms, max ${snapshot200.maxMs.toFixed(1)} ms (budget 100 ms); polled: median ${polledSorted[3]!.toFixed(1)}, max ${polledSorted[6]!.toFixed(1)}; the browser's first page ${browserStartMs.toFixed(1)} ms`,
    );

    const seconds = Number(process.env.BENCH_UPDATE_SECONDS ?? 60);
    const idleSeconds = Math.min(30, seconds);
    const page = await browser.newPage({
      viewport: { width: 1920, height: 1080 },
      reducedMotion: process.env.BENCH_REDUCED_MOTION ? 'reduce' : 'no-preference',
    });
    await page.goto(storeUrl(hub.url, '/display'));
    await page.waitForSelector('.stage[data-connected="true"]');
    // Measure the steady state, not the page's own start-up.
    await page.waitForTimeout(2_000);

    // Baseline, same page, same run: what headless, software-composited Chromium drops with nothing happening.
    const idle = await measureFrames(page, idleSeconds, () => undefined);
    log(
      `idle baseline ${idle.seconds.toFixed(0)} s: ${idle.longTasks} long tasks (longest ${idle.longestTaskMs.toFixed(0)} ms), ${idle.droppedPct.toFixed(2)}% frames dropped`,
    );

    // 20 updates a second: orders advance queued -> in production -> ready -> picked up, and new ones arrive.
    let next = 200;
    const board = new Map<string, Order>();
    for (let i = 0; i < 24; i++) {
      const o = { ...order(next++, now, 'queued'), id: `u-${i}` };
      board.set(o.id, o);
      await hub.board.upsertOrder(o);
    }
    let updates = 0;
    const loaded = await measureFrames(
      page,
      seconds,
      () => {
        const ids = [...board.keys()];
        const id = ids[updates % ids.length]!;
        const o = board.get(id)!;
        const status: Order['status'] = o.status === 'queued' ? 'in_production' : o.status === 'in_production' ? 'ready' : 'picked_up';
        const updated = { ...o, status, updatedAt: Date.now() };
        if (status === 'picked_up') {
          board.delete(id);
          const fresh = { ...order(next, Date.now(), 'queued'), id: `u-${next++}` };
          board.set(fresh.id, fresh);
          void hub.board.upsertOrder(fresh);
        } else board.set(id, updated);
        void hub.board.upsertOrder(updated);
        updates++;
      },
      20,
    );
    const updatesResult = {
      ratePerS: 20,
      updates,
      ...loaded,
      idle,
      excessDroppedPct: loaded.droppedPct - idle.droppedPct,
      excessLongTasks: loaded.longTasks - idle.longTasks,
    };
    log(
      `20 updates/s for ${loaded.seconds.toFixed(0)} s: ${loaded.longTasks} long tasks (longest ${loaded.longestTaskMs.toFixed(0)} ms), ${loaded.droppedPct.toFixed(2)}% frames dropped (${updatesResult.excessDroppedPct.toFixed(2)} points over idle)`,
    );
    await page.close();
    return { bundle, snapshot200, updates: updatesResult };
  } finally {
    await browser.close();
    await hub.close();
  }
}
