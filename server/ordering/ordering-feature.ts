import type { DisplayConfig } from '../../shared/schemas/display.js';
import type { Board } from '../board/board.js';
import type { Config } from '../config.js';
import type { Intake } from '../ingest/intake.js';
import type { Logger } from '../log.js';
import type { StockStore } from '../state/stock-store.js';
import { KioskOrdering, type MakeOutlook } from './kiosk-ordering.js';
import { PublicAddress } from './public-address.js';
import type { Service } from '../services.js';

export interface Ordering {
  kiosk: KioskOrdering;
  /** Where customers' phones reach the hub (the QR on the kiosk's confirmation). */
  publicAddress: PublicAddress;
  service: Service;
}

/** The kiosk's ordering from the shop's config: its menu, limits and numbers, over the state's stock. */
export function openOrdering(
  config: Config,
  deps: { stock: StockStore; intake: Intake; board: Board; display: DisplayConfig; log: Logger; outlook: MakeOutlook | undefined },
): Ordering {
  const { kiosk } = config.shop;
  const { maxActiveOrders } = config.shop.board;
  const publicAddress = new PublicAddress(config.publicUrl, deps.log);
  const ordering = new KioskOrdering(config.shop.catalogue, deps.stock, deps.intake, deps.log, {
    display: deps.display,
    numberPrefix: kiosk.numberPrefix,
    timeZone: config.shop.timeZone,
    idleSeconds: kiosk.idleSeconds,
    confirmationSeconds: kiosk.confirmationSeconds,
    promiseMinutes: config.shop.promiseMinutes,
    publicUrl: publicAddress.url,
    numbersInUse: () => [...deps.board.orders()].map((o) => o.number),
    boardFull: () => (deps.board.activeOrders >= maxActiveOrders ? maxActiveOrders : undefined),
    limits: { itemsPerMinute: kiosk.itemsPerMinute, maxShareOfRun: kiosk.maxShareOfRun, shareWindowMinutes: kiosk.shareWindowMinutes },
    outlook: deps.outlook,
  });
  const service: Service = {
    name: 'ordering',
    start: async () => {
      await ordering.start();
      // A store that lost its data (a new epoch) starts the day's numbers and counts again.
      deps.board.on('epoch', () => void ordering.storeReset());
    },
    close: () => ordering.close(),
  };
  return { kiosk: ordering, publicAddress, service };
}
