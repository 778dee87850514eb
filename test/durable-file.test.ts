import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFile } from '../server/files/durable-file.js';
import { tempDir } from './helpers/hub.js';

describe('replacing a file durably', () => {
  it('replaces it whole, in a folder it makes, and leaves no temporary file beside it', () => {
    const file = path.join(tempDir(), 'deep', 'state.json');
    replaceFile(file, '{"a":1}');
    replaceFile(file, '{"a":2}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}');
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('keeps a private file readable by the hub’s user only, even one that was readable by all before', () => {
    const file = path.join(tempDir(), 'credentials.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    replaceFile(file, 'new', { private: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('new');
  });
});
