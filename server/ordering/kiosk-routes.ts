import { Router } from 'express';
import type { KioskOrdering } from './kiosk-ordering.js';
import type { Board } from '../board/board.js';
import type { Insight } from '../insight/insight.js';
import type { FloorWatch } from '../staff/floor-watch.js';
import type { TrackedOrder } from '../../shared/schemas/kiosk.js';
import { trackedOrder } from '../../shared/tracking.js';
import type { OrderStatus } from '../../shared/schemas/order.js';
import { chooseEstimate, runPlan } from './track-estimate.js';
import { clientKey } from '../staff/login-guard.js';
import { apiError } from '../../shared/errors.js';
import { sendError } from '../http/error-status.js';
import { jsonBody } from '../http/json-body.js';
import { rateLimit } from '../http/rate-limit.js';

/** The customer side: the menu, ordering, and one order's public state for `/track/NUMBER`. */
export function kioskRouter(kiosk: KioskOrdering, board: Board, insight: Insight, floor: FloorWatch, ordersPerMinute: number): Router {
  const router = Router();
  router.get('/kiosk', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true, data: kiosk.state() });
  });

  router.post(
    '/kiosk/orders',
    rateLimit({ limit: ordersPerMinute, windowMs: 60_000, message: `more than ${ordersPerMinute} kiosk orders a minute from this address` }),
    jsonBody,
    async (req, res) => {
      // The same client as the PIN lockout's: an address, or an IPv6 /64 (a device may use any address of its prefix).
      const result = await kiosk.place(req.body, clientKey(req.ip ?? 'unknown'));
      if (result.ok) res.status(result.data.repeated ? 200 : 201).json(result);
      else sendError(res, result.error);
    },
  );

  // Public, like the board itself: only what the board shows about one order; today's first, another day's without its name.
  router.get('/track/:number', (req, res) => {
    const number = String(req.params.number);
    const order = trackedOrder(board.snapshot().orders, number, kiosk.today());
    res.set('Cache-Control', 'no-store');
    if (!order)
      return sendError(res, apiError('unknown_order', { order: number }, `order ${number} is not on the board (picked up, cancelled or not yet placed)`));
    // The plan where a run holds the order (it says when the run comes out); else an honest wait from recent
    // throughput, the queue ahead and the time passed; null when there is no basis for one yet.
    const now = Date.now();
    const plan = waiting(order.status) ? runPlan(order.id, board.runs(), board.snapshot().machines, (sku) => kiosk.product(sku), now) : null;
    const estimate = chooseEstimate(plan, insight.estimate(order.id), now);
    const data: TrackedOrder = { ...order, ...estimate, dueAt: floor.dueAt(order.id) ?? null };
    res.json({ ok: true, data });
  });
  return router;
}

/** A run's plan speaks only for an order still waiting for it: a ready order has no wait. */
function waiting(status: OrderStatus): boolean {
  return status === 'queued' || status === 'in_production';
}
