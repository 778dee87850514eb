import type { Server } from 'socket.io';
import { KIOSK_NAMESPACE } from '../../shared/protocol.js';
import type { KioskOrdering } from './kiosk-ordering.js';
import type { PublicAddress } from './public-address.js';
import type { Metrics } from '../metrics.js';
import { guardFlood } from '../realtime/flood-guard.js';
import { typedNamespace, type KioskNamespace } from '../realtime/typed-namespace.js';

/** The kiosks (and anyone) follow the menu and what is left of it. Every hub hears every sale from the store, so `local` reaches each kiosk once. */
export function attachKioskNamespace(io: Server, kiosk: KioskOrdering, metrics: Metrics, publicAddress: PublicAddress): KioskNamespace {
  const nsp = typedNamespace(io, KIOSK_NAMESPACE);
  nsp.on('connection', (socket) => {
    guardFlood(socket, metrics, 'kiosk');
    publicAddress.noteKiosk(socket.handshake.headers.host);
    socket.emit('kiosk', kiosk.state());
  });
  kiosk.onStock((change) => nsp.local.emit('stock', change));
  return nsp;
}
