import type { Express } from 'express';

export interface RouteInfo {
  method: string;
  path: string;
}

interface Layer {
  rawPath?: string;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every route the hub's express app serves, read from its router, so a new route cannot hide from the auth test. */
export function listRoutes(app: Express): RouteInfo[] {
  const walk = (stack: Layer[], prefix: string): RouteInfo[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        return paths.flatMap((p) => Object.keys(layer.route!.methods).map((m) => ({ method: m.toUpperCase(), path: prefix + p })));
      }
      if (layer.handle.stack) return walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' ? layer.rawPath : ''));
      return [];
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
}
