import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * zod is the hub's validator; a page that imports a constant from a schema file pulls all of it (~60 kB) into
 * the browser. This reads what `npm run build` wrote (the test command builds before vitest) rather than the
 * source, because only the bundle shows what a chain of imports really dragged in.
 */
const WEB = path.resolve(import.meta.dirname, '../dist/web');
const PAGES = ['display', 'kiosk'];
/** Names zod's code keeps after minifying: its error class and the `_zod` slot on every schema. */
const ZOD_MARKERS = [/ZodError/, /\b_zod\b/, /\$Zod[A-Z]/];

function builtScripts(page: string): string[] {
  const html = readFileSync(path.join(WEB, page, 'index.html'), 'utf8');
  // The entry and the chunks it preloads; a page's lazy chunks are caught by the every-file check below.
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
}

describe('browser bundles', () => {
  it('have been built', () => {
    expect(existsSync(path.join(WEB, 'assets')), 'run `npm run build` first').toBe(true);
  });

  for (const page of PAGES) {
    it(`the ${page} page's scripts carry no zod`, () => {
      const scripts = builtScripts(page);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        const code = readFileSync(path.join(WEB, script), 'utf8');
        for (const marker of ZOD_MARKERS) expect(marker.test(code), `${script} (${page}) contains ${String(marker)}`).toBe(false);
      }
    });
  }

  it('no built script at all carries zod', () => {
    const scripts = readdirSync(path.join(WEB, 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const code = readFileSync(path.join(WEB, 'assets', script), 'utf8');
      for (const marker of ZOD_MARKERS) expect(marker.test(code), `${script} contains ${String(marker)}`).toBe(false);
    }
  });
});
