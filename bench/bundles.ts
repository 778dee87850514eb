import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const WEB = path.resolve(import.meta.dirname, '../dist/web');

export interface PageBundle {
  page: string;
  files: { file: string; gzipBytes: number }[];
  totalGzipBytes: number;
  /** Only the board has a budget (issue 3): it runs on the slowest screens, for months. */
  budgetBytes: number | null;
}

export interface BundlesBench {
  pages: PageBundle[];
}

/** JS and CSS a page loads: its entry, its modulepreloads and stylesheets, gzipped at level 9. */
export function bundleOf(page: string): { file: string; gzipBytes: number }[] {
  const html = readFileSync(path.join(WEB, page, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  return [...new Set(refs)].map((file) => ({ file, gzipBytes: gzipSync(readFileSync(path.join(WEB, file)), { level: 9 }).length }));
}

/** What each page costs to load (the build the suite runner just made). */
export function benchBundles(log: (line: string) => void): Promise<BundlesBench> {
  const pages = (['display', 'kiosk'] as const).map((page) => {
    const files = bundleOf(page);
    const totalGzipBytes = files.reduce((n, f) => n + f.gzipBytes, 0);
    log(`${page}: ${(totalGzipBytes / 1024).toFixed(1)} KB gzipped`);
    return { page, files, totalGzipBytes, budgetBytes: page === 'display' ? 60 * 1024 : null };
  });
  return Promise.resolve({ pages });
}
