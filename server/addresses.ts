import { networkInterfaces } from 'node:os';

/** This machine's IPv4 addresses on its networks (not loopback): how the store's devices reach the hub. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

/**
 * Where each page is, for the terminal: by PUBLIC_URL when set, then by each network address the
 * store's devices can use (localhost works on the hub machine only, so it is listed last).
 */
export function pageAddresses(port: number, publicUrl: string | undefined, host: string): string {
  // Listening on one address (HOST), the hub is reachable there only.
  const everywhere = host === '0.0.0.0' || host === '::';
  const named = host.includes(':') ? `[${host}]` : host;
  const local = everywhere ? [...lanAddresses().map((a) => `http://${a}:${port}`), `http://localhost:${port}`] : [`http://${named}:${port}`];
  // The public address first (the one phones use), and where this hub listens after it: a wrong PUBLIC_URL shows.
  const bases = publicUrl ? [publicUrl, ...local.filter((b) => b !== publicUrl)] : local;
  const base = bases[0]!;
  const lines = [
    `  board      ${base}/display        (name a screen: /display?screen=front-window; OBS overlay: /display?overlay=1)`,
    `  kiosk      ${base}/kiosk`,
    `  staff      ${base}/staff`,
    `  report     ${base}/report         (the pilot report, on the staff login)`,
    `  tracking   ${base}/track/NUMBER   (from the kiosk's QR code)`,
    `  API        ${base}/api            (docs/protocol.md)`,
  ];
  if (bases.length > 1) lines.push(`  also at    ${bases.slice(1).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
