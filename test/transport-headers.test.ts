import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { startTestHub } from './helpers/hub.js';

const ROUTES = ['/display', '/kiosk', '/staff', '/track/K101', '/api/board'];

async function headersOf(url: string, headers: Record<string, string> = {}): Promise<Headers> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res.headers;
}

// A store's devices reach the hub over plain HTTP by its LAN address: upgrade-insecure-requests would
// send them to an https:// that does not exist, and HSTS would pin the name to it.
describe('security headers fit the transport', () => {
  let hub: Hub;
  let untrusting: Hub;
  beforeAll(async () => {
    hub = await startTestHub(); // TRUST_PROXY defaults to loopback: the test is the proxy
    untrusting = await startTestHub({ TRUST_PROXY: '10.9.8.7' });
  });
  afterAll(async () => {
    await hub?.close();
    await untrusting?.close();
  });

  it('over plain HTTP: a strict CSP without upgrade-insecure-requests, and no HSTS', async () => {
    for (const route of ROUTES) {
      const h = await headersOf(`${hub.url}${route}`);
      const csp = h.get('content-security-policy') ?? '';
      expect(csp, route).toContain("default-src 'self'");
      expect(csp, route).toContain("script-src 'self'");
      expect(csp, route).toContain("object-src 'none'");
      expect(csp, route).not.toContain('upgrade-insecure-requests');
      expect(h.get('strict-transport-security'), route).toBeNull();
      // Ignored by browsers on a plain-HTTP LAN address, with an error in the page's console.
      expect(h.get('cross-origin-opener-policy'), route).toBeNull();
      expect(h.get('origin-agent-cluster'), route).toBeNull();
      expect(h.get('x-content-type-options'), route).toBe('nosniff');
    }
  });

  it('behind a trusted TLS proxy (X-Forwarded-Proto: https): both present', async () => {
    for (const route of ROUTES) {
      const h = await headersOf(`${hub.url}${route}`, { 'x-forwarded-proto': 'https' });
      expect(h.get('content-security-policy'), route).toContain('upgrade-insecure-requests');
      expect(h.get('strict-transport-security'), route).toMatch(/max-age=\d+/);
      expect(h.get('cross-origin-opener-policy'), route).toBe('same-origin');
    }
  });

  it('believes X-Forwarded-Proto only from a TRUST_PROXY address', async () => {
    const h = await headersOf(`${untrusting.url}/display`, { 'x-forwarded-proto': 'https' });
    expect(h.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(h.get('strict-transport-security')).toBeNull();
  });
});
