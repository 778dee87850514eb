import type { ReportBench } from './report.js';

interface Envelope {
  command: string;
  date: string;
  machine: string;
  loadAtStart?: number;
  result: ReportBench;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** BENCHMARKS.md's section for `npm run bench -- report`. */
export function renderReport(p: Envelope, verdict: (ok: boolean) => string): string[] {
  const r = p.result;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    '## Pilot report over 90 days (issue 21)',
    '',
    `\`${p.command}\` · ${p.date} · ${p.machine}${p.loadAtStart === undefined ? '' : ` · load average ${p.loadAtStart.toFixed(1)} at start`}`,
    '',
    `The seeded pilot generator's store (\`test/helpers/pilot-generator.ts\`, seed 90, scale 20, busy: every order queued → in production → ready → picked up, adjacent goods sold a basket at a time) over ${r.days} days: ${r.events.toLocaleString('en')} events, ${r.orders.toLocaleString('en')} orders (${r.perDay.orders.toLocaleString('en')} orders and ${r.perDay.events.toLocaleString('en')} events a day). Written as the store logs them (embedded: day files; Redis: the event stream with ids of the events' own times), then one hub process (\`server/main.ts\`) per store answers \`GET /api/report?compare=baseline\` (all ${r.days} days: 45 baseline, 45 pilot) ${r.stores[0]?.reportMs.length ?? 0} times over HTTP. The baseline is \`GET /api/export\` (NDJSON) of the same days from the same hub: the cost of reading the log alone. RSS is the hub's own, from \`/proc/<pid>/status\` (VmRSS before the first report; VmHWM, the peak since the hub started, after the last report and before the exports).`,
    '',
    '| store | report (median of runs) | each run, the first on a hub that has not reported yet | export of the same days (baseline) | report ÷ export | hub RSS idle → peak | |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.stores.map((x) => {
      const ok = Math.max(...x.reportMs) < r.goal.ms && x.rssPeakMb < r.goal.rssMb;
      return `| ${x.store} | ${s(median(x.reportMs))} | ${x.reportMs.map(s).join(', ')} | ${s(median(x.exportMs))} (${x.exported.toLocaleString('en')} events) | ${(median(x.reportMs) / median(x.exportMs)).toFixed(2)} | ${x.rssIdleMb.toFixed(0)} → ${x.rssPeakMb.toFixed(0)} MB | ${verdict(ok)} |`;
    }),
    '',
    `Goal: every run under ${r.goal.ms / 1000} s with the hub's RSS under ${r.goal.rssMb} MB, on each store. Writing the store took ${r.writeSeconds.embedded.toFixed(0)} s (embedded) and ${r.writeSeconds.redis.toFixed(0)} s (Redis), not counted.`,
    '',
  ];
}
