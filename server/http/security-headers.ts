import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Helmet's headers, fitted to how the request arrived. A store's TVs, tablets and phones reach the
 * hub over plain HTTP by its LAN address: there `upgrade-insecure-requests` would send every script
 * and style to an https:// that does not exist (a blank page), and HSTS would lock the name to TLS.
 * Cross-Origin-Opener-Policy and Origin-Agent-Cluster are ignored by browsers on such an origin, and
 * Chromium says so as an error in every page's console, which reads as a broken page to whoever opens it.
 * All four are kept when the request came over TLS, directly or through a proxy the hub trusts
 * (`req.secure` follows X-Forwarded-Proto only from a `TRUST_PROXY` address).
 */
export function securityHeaders(): RequestHandler {
  const overTls = helmet({ crossOriginEmbedderPolicy: false });
  const plain = helmet({
    crossOriginEmbedderPolicy: false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
  });
  return (req, res, next) => (req.secure ? overTls : plain)(req, res, next);
}
