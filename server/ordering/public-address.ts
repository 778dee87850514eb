import type { SetupWarning } from '../../shared/schemas/staff.js';
import type { Logger } from '../log.js';

// 0.0.0.0 and :: are where a server listens, never an address a phone can open.
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1|0\.0\.0\.0|\[::\])$/i;

/** True for a name only the hub machine itself can reach. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOST.test(hostname) || hostname.toLowerCase().endsWith('.localhost');
}

function hostnameOf(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return hostHeader;
  }
}

/**
 * The address customers' phones use for the links the hub gives them (the kiosk's QR code). With
 * `PUBLIC_URL` it is that; without, the kiosk uses the address it was opened with. A phone can never
 * open a loopback name, so such an address is logged once and shown on the staff console.
 */
export class PublicAddress {
  readonly url: string | undefined;
  #log: Logger;
  #warnings = new Map<string, SetupWarning>();
  #listeners = new Set<() => void>();

  constructor(url: string | undefined, log: Logger) {
    this.url = url;
    this.#log = log;
    if (url !== undefined && isLoopbackHost(new URL(url).hostname)) {
      this.#warn(
        { code: 'public_url_loopback', params: { address: url } },
        'PUBLIC_URL is a loopback name: customers’ phones cannot open the kiosk’s QR codes; set it to the address the store network uses',
      );
    } else if (url === undefined) {
      log.info('PUBLIC_URL not set: the kiosk’s QR codes use the address the kiosk page was opened with');
    }
  }

  /** A kiosk connected through this Host header. */
  noteKiosk(hostHeader: string | undefined): void {
    if (this.url !== undefined || !hostHeader) return;
    const host = hostnameOf(hostHeader);
    if (!isLoopbackHost(host)) return;
    this.#warn(
      { code: 'kiosk_on_loopback', params: { address: hostHeader } },
      'a kiosk opened the hub by a loopback name and PUBLIC_URL is not set: its QR codes will not open on customers’ phones',
    );
  }

  warnings(): SetupWarning[] {
    return [...this.#warnings.values()];
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  #warn(warning: SetupWarning, message: string): void {
    if (this.#warnings.has(warning.code)) return;
    this.#warnings.set(warning.code, warning);
    this.#log.warn({ address: warning.params.address }, message);
    for (const listener of this.#listeners) listener();
  }
}
