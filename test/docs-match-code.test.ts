import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorStatus } from '../server/http/error-status.js';
import { ERROR_CODES } from '../shared/errors.js';

const ROOT = path.resolve(import.meta.dirname, '..');

function folders(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'node_modules')
    .flatMap((e) => [`${dir}/${e.name}`, ...folders(`${dir}/${e.name}`)]);
}

describe('the docs match the code', () => {
  it("README's folder table names every folder of the hub, the contract and the pages", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| folder | what |'), readme.indexOf('**Boundaries'));
    const named = new Set([...table.matchAll(/`([a-z][a-z/.-]*?)\/?`/g)].map((m) => m[1]));
    const missing = ['server', 'shared', 'display', 'kiosk'].flatMap((top) => [top, ...folders(top)]).filter((dir) => !named.has(dir));
    expect(missing).toEqual([]);
  });

  it('every file docs/ARCHITECTURE.md names exists', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const files = [...doc.matchAll(/`((?:server|shared|display|kiosk)\/[\w/.-]+\.(?:ts|svelte))`/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((file) => !existsSync(path.join(ROOT, file)))).toEqual([]);
  });

  it('the error table of docs/protocol.md has a row for every code the hub answers, with the status it answers it with', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/protocol.md'), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `([a-z_]+)` +\| (\d{3}) +\|/gm)].map((m) => [m[1]!, Number(m[2])]));
    expect(ERROR_CODES.filter((code) => rows.get(code) !== errorStatus(code))).toEqual([]);
  });
});
