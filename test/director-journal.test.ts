import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DirectorJournal, LEGACY_FILE } from '../server/director/journal.js';
import { FileEventLog } from '../server/state/embedded/event-log.js';
import type { DirectorLogEntry } from '../shared/schemas/director.js';
import { tempDir } from './helpers/hub.js';

describe('the director log, kept in the event log', () => {
  it('writes each switch as a director event, and exports an older store’s own file first, nothing lost', async () => {
    const dir = tempDir();
    const now = Date.now();
    const old: DirectorLogEntry[] = [
      { at: now - 60_000, scene: 'Oven Cam', cause: 'rule', rule: 'unloading', machine: 'oven-1', state: 'unloading' },
      { at: now - 30_000, scene: 'Board', cause: 'rule' },
    ];
    // A torn last line, as a crash mid-append leaves it.
    writeFileSync(path.join(dir, LEGACY_FILE), old.map((e) => JSON.stringify(e)).join('\n') + '\n{"at":');
    const events = new FileEventLog(dir, pino({ level: 'silent' }), 30);
    const journal = new DirectorJournal(events, pino({ level: 'silent' }), dir);
    journal.append({ at: now, scene: 'Finishing Cam', cause: 'staff', by: 'Ana' });

    const logged: unknown[] = [];
    for await (const page of events.pages(now - 1, now + 1)) logged.push(...page);
    expect(logged).toEqual([{ type: 'director', director: { at: now, scene: 'Finishing Cam', cause: 'staff', by: 'Ana' }, at: now }]);

    const exported = (await text(journal.export('ndjson', now - 120_000, now + 1)))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DirectorLogEntry);
    expect(exported.map((e) => e.scene)).toEqual(['Oven Cam', 'Board', 'Finishing Cam']);
    expect(journal.recent()).toEqual([{ at: now, scene: 'Finishing Cam', cause: 'staff', by: 'Ana' }]);
    const csv = (await text(journal.export('csv', now - 45_000, now + 1))).trim().split('\n');
    expect(csv).toHaveLength(3); // the header, the older 'Board' switch, the new one
    await events.close();
  });
});
