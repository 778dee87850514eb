import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Probes for the import boundaries in eslint.config.js: each forbidden import is linted as if it sat in a file
 * at that boundary (ESLint's `lintText` with a `filePath` applies the config for that path; no file is
 * written), and must be reported by `import-x/no-restricted-paths`; an allowed import beside it must pass.
 * The imported files exist, because the rule judges where an import resolves to. The probed files need not
 * exist.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const RULE = 'import-x/no-restricted-paths';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({
    cwd: ROOT,
    // Only the boundary rule runs, and without the TypeScript project (which does not know the probe files).
    ruleFilter: ({ ruleId }) => ruleId === RULE,
    overrideConfig: [{ files: ['**/*.ts', '**/*.svelte'], languageOptions: { parserOptions: { projectService: false, project: null } } }],
  });
});

/** The boundary rule's messages for `code` linted as `file` (relative to the repository). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  expect(result, `${file} was linted`).toBeDefined();
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `${file} parsed`).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

interface Probe {
  /** The file the import is written in (need not exist). */
  file: string;
  forbidden: string;
  allowed: string;
}

const PROBES: Probe[] = [
  // One level down in shared/ is where the text patterns leaked: `../../server/` was not `../server/*`.
  { file: 'shared/schemas/probe.ts', forbidden: '../../server/log.js', allowed: '../protocol.js' },
  { file: 'shared/probe.ts', forbidden: '../server/log.js', allowed: './protocol.js' },
  { file: 'shared/text/probe.ts', forbidden: '../../display/src/format.js', allowed: '../protocol.js' },
  { file: 'shared/client/probe.ts', forbidden: '../../kiosk/src/api.js', allowed: '../board-mirror.js' },
  { file: 'display/src/probe.ts', forbidden: '../../server/log.js', allowed: '../../shared/protocol.js' },
  { file: 'display/src/probe.ts', forbidden: '../../kiosk/src/api.js', allowed: './format.js' },
  { file: 'kiosk/src/staff/probe.ts', forbidden: '../../../server/metrics.js', allowed: '../../../shared/protocol.js' },
  { file: 'kiosk/src/probe.ts', forbidden: '../../display/src/format.js', allowed: './api.js' },
  { file: 'server/board/board.ts', forbidden: '../director/scene-rules.js', allowed: '../log.js' },
  { file: 'server/board/board.ts', forbidden: '../state/redis/board-store.js', allowed: '../state/board-store.js' },
  { file: 'server/board/probe.ts', forbidden: '../insight/alerts.js', allowed: '../metrics.js' },
  { file: 'server/state/board-store.ts', forbidden: '../board/board.js', allowed: '../../shared/schemas/board.js' },
  { file: 'server/state/redis/board-store.ts', forbidden: '../../realtime/board-namespace.js', allowed: './connect.js' },
  { file: 'server/state/embedded/board-store.ts', forbidden: '../../http/app.js', allowed: '../../files/durable-file.js' },
  { file: 'server/state/embedded/probe.ts', forbidden: '../../ordering/kiosk-ordering.js', allowed: '../last-write-wins.js' },
  { file: 'server/ingest/probe.ts', forbidden: '../realtime/board-namespace.js', allowed: './intake.js' },
  { file: 'server/ingest/probe.ts', forbidden: '../http/app.js', allowed: '../log.js' },
  { file: 'server/realtime/probe.ts', forbidden: '../ingest/intake.js', allowed: '../log.js' },
  { file: 'server/http/probe.ts', forbidden: '../ingest/redis-stream.js', allowed: '../ingest/intake.js' },
];

describe('lint import boundaries', () => {
  it('every probed import target exists (the rule only judges imports that resolve)', async () => {
    const { existsSync } = await import('node:fs');
    for (const probe of PROBES) {
      for (const spec of [probe.forbidden, probe.allowed]) {
        const target = path.resolve(ROOT, path.dirname(probe.file), spec).replace(/\.js$/, '.ts');
        expect(existsSync(target), `${probe.file} -> ${spec}`).toBe(true);
      }
    }
  });

  for (const probe of PROBES) {
    it(`${probe.file} may not import ${probe.forbidden}, may import ${probe.allowed}`, async () => {
      const forbidden = await boundaryErrors(probe.file, `import { x } from '${probe.forbidden}';\nexport const y = x;\n`);
      expect(forbidden, `${probe.file} -> ${probe.forbidden}`).toHaveLength(1);
      const allowed = await boundaryErrors(probe.file, `import { x } from '${probe.allowed}';\nexport const y = x;\n`);
      expect(allowed, `${probe.file} -> ${probe.allowed}`).toEqual([]);
    });
  }

  it('a .svelte page is held to the same boundary', async () => {
    const svelte = (spec: string): string => `<script lang="ts">\n  import { x } from '${spec}';\n  const y = x;\n</script>\n<p>{y}</p>\n`;
    expect(await boundaryErrors('kiosk/src/staff/Probe.svelte', svelte('../../../server/log.js'))).toHaveLength(1);
    expect(await boundaryErrors('kiosk/src/staff/Probe.svelte', svelte('../../../shared/protocol.js'))).toEqual([]);
  });
});

describe('lint keeps zod out of the pages', () => {
  const ZOD_RULE = '@typescript-eslint/no-restricted-imports';
  let pages: ESLint;
  beforeAll(() => {
    pages = new ESLint({
      cwd: ROOT,
      ruleFilter: ({ ruleId }) => ruleId === ZOD_RULE,
      overrideConfig: [{ files: ['**/*.ts', '**/*.svelte'], languageOptions: { parserOptions: { projectService: false, project: null } } }],
    });
  });
  async function zodErrors(file: string, code: string): Promise<number> {
    const [result] = await pages.lintText(code, { filePath: path.join(ROOT, file) });
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    return result!.messages.filter((m) => m.ruleId === ZOD_RULE).length;
  }

  it.each([
    ['kiosk/src/staff/probe.ts', '../../../shared/schemas/display.js'],
    ['display/src/probe.ts', '../../shared/errors.js'],
    ['shared/client/probe.ts', '../schemas/order.js'],
    ['shared/client/probe.ts', '../parse-json.js'],
    ['kiosk/src/probe.ts', 'zod'],
  ])('%s may take only types from %s', async (file, spec) => {
    expect(await zodErrors(file, `import { X } from '${spec}';\nexport const y = X;\n`)).toBe(1);
    expect(await zodErrors(file, `import type { X } from '${spec}';\nexport type Y = X;\n`)).toBe(0);
  });

  it('a zod-free constant is fine', async () => {
    expect(await zodErrors('kiosk/src/probe.ts', `import { STAFF_CSRF_HEADER } from '../../shared/protocol.js';\nexport const y = STAFF_CSRF_HEADER;\n`)).toBe(
      0,
    );
  });
});

describe('Svelte files are linted', () => {
  it('a .svelte file gets the Svelte rules and the TypeScript parser', async () => {
    const svelteLint = new ESLint({
      cwd: ROOT,
      ruleFilter: ({ ruleId }) => ruleId.startsWith('svelte/') || ruleId === '@typescript-eslint/no-unused-vars',
      overrideConfig: [{ files: ['**/*.svelte'], languageOptions: { parserOptions: { projectService: false, project: null } } }],
    });
    const code = `<script lang="ts">\n  const unused: number = 1;\n  let html: string = '<b>x</b>';\n</script>\n<p>{@html html}</p>\n`;
    const [result] = await svelteLint.lintText(code, { filePath: path.join(ROOT, 'kiosk/src/Probe.svelte') });
    const rules = result!.messages.map((m) => m.ruleId);
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    expect(rules).toContain('svelte/no-at-html-tags');
    expect(rules).toContain('@typescript-eslint/no-unused-vars');
  });
});
