import { createHash } from 'node:crypto';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/** Writes build.json: a version that changes whenever any built file does; screens reload when the hub's differs. */
function buildVersion(): Plugin {
  return {
    name: 'batchboard-build-version',
    apply: 'build',
    generateBundle(_options, bundle) {
      const names = Object.keys(bundle).sort().join('\n');
      const version = createHash('sha256').update(names).digest('hex').slice(0, 12);
      this.emitFile({ type: 'asset', fileName: 'build.json', source: JSON.stringify({ version, builtAt: new Date().toISOString() }) });
    },
  };
}

const ENTRIES = ['display', 'kiosk'];
const HUB = process.env.HUB_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [svelte(), buildVersion()],
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    rollupOptions: {
      input: Object.fromEntries(ENTRIES.map((page) => [page, `${page}/index.html`])),
      // What both pages share (Svelte, socket.io, the live board) is one chunk, with its CSS: name them for
      // that, not for whichever of its modules Rollup happened to meet first.
      output: {
        chunkFileNames: 'assets/shared-[hash].js',
        assetFileNames: (asset) =>
          asset.names.some((n) => n.endsWith('.css') && !ENTRIES.includes(n.slice(0, -4))) ? 'assets/shared-[hash][extname]' : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    // `npm run dev`: pages from Vite with hot reload, data from the hub.
    proxy: {
      '/api': HUB,
      '/socket.io': { target: HUB, ws: true },
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
