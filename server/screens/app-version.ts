import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The identity of the screens' build (written by `vite build` as build.json).
 * Screens reload themselves when it changes, so a deploy reaches every wall.
 */
export function readAppVersion(webRoot: string): string {
  try {
    const parsed = JSON.parse(readFileSync(path.join(webRoot, 'build.json'), 'utf8')) as { version?: unknown };
    if (typeof parsed.version === 'string' && parsed.version.length > 0) return parsed.version.slice(0, 64);
  } catch {
    // Not built yet: the pages answer 503 anyway.
  }
  return 'unbuilt';
}
