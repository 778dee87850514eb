// BENCHMARKS.md's fan-out section: the tables, and each target of issue 7 as a ratio against the baselines of the same run.
import type { CeilingResult, FanoutBench, FanoutRow } from './fanout.js';

function verdict(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

const n = (x: number) => x.toLocaleString('en');
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}%`;

function row(rows: FanoutRow[], server: FanoutRow['server'], screens: number, rate: number): FanoutRow | undefined {
  return rows.find((r) => r.server === server && r.screens === screens && r.rate === rate);
}

function ceilingText(c: CeilingResult | undefined): string {
  if (!c) return 'not measured';
  const sustained = c.rate === null ? 'none' : `${n(c.rate * c.screens)}/s (${n(c.rate)} events/s)`;
  const failed = c.failedAt ? `; at ${n(c.failedAt.rate)}/s p99 ${c.failedAt.p99Ms} ms, ${c.failedAt.deliveredPct.toFixed(1)}% delivered` : '; the search stopped at its cap without failing';
  return `${sustained}${failed}`;
}

export function renderFanout(envelope: { command: string; date: string; machine: string; result: FanoutBench }): string[] {
  const { command, date, machine, result: r } = envelope;
  const rows = r.rows;
  const out: string[] = [
    '## Fan-out against per-message broadcasting (issue 7)',
    '',
    `\`${command}\` · ${date} · ${machine} · each server in its own process, the screens in another, Redis on loopback; ${r.seconds} s per rate`,
    '',
    'Redis PUBLISH of ~200-byte order updates at R a second; latency from PUBLISH to arrival at the screen (same clock). **Raw ws** writes each message, serialised once, to every client (the floor of per-message broadcasting in Node); **naive socket.io** does `io.emit` per message; the **hub** takes each message through its intake and store (validation, Lua, seq, event log) and coalesces what follows within 20 ms into one `batch` frame, while a lone change goes at once.',
    '',
    'The screens are one process holding thousands of connections. In a store every screen has a CPU of its own; here they share one core, so each is a minimal client of its protocol (plain ws reading JSON; Engine.IO v4 + Socket.IO v5 frames for the two socket.io servers), equally cheap for every server. With `socket.io-client` as the screens, its own per-message cost on that one shared core doubled the p99 of both socket.io servers at 5,000 screens, which a real screen never pays on the server\'s behalf. "Screens CPU" shows when the load process itself was near its limit.',
    '',
  ];
  if (rows.length > 0) {
    const hubRow = rows.some((x) => x.server === 'batchboard hub');
    out.push(
      '### a. Fan-out',
      '',
      '| server | screens | events/s | p50 | p99 | max | delivered | server CPU | screens CPU | server RSS | KB per idle screen |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (x) =>
          `| ${x.server} | ${n(x.screens)} | ${x.rate} | ${x.p50Ms} ms | ${x.p99Ms} ms | ${x.maxMs} ms | ${pct(x.delivered, x.expected)} | ${x.cpuPct.toFixed(0)}% | ${x.clientCpuPct.toFixed(0)}% | ${x.rssMb.toFixed(0)} MB | ${x.kbPerIdleScreen.toFixed(1)} |`,
      ),
      '',
      '"Delivered" counts what arrived before the measurement closed, 1.5 s after the last PUBLISH: below 100%, a server was still working through its backlog. Latencies are counted in 1 ms buckets up to 5 s; "5000 ms" means 5 s or more. KB per idle screen: the server\'s RSS with the screens connected and idle for 2 s, minus before, over their number.',
      '',
    );
    if (hubRow) {
      const dup = rows.filter((x) => x.server === 'batchboard hub').reduce((a, x) => a + x.duplicates + x.seqHoles, 0);
      out.push(`Every hub screen also checked each change's seq: ${dup === 0 ? 'no change arrived twice and no seq was skipped in any hub row' : `${dup} duplicates or holes across the hub rows`}.`, '');
    }
    if (r.ceilings.length > 0) {
      out.push(
        `**Ceiling** at ${n(r.ceilings[0]!.screens)} screens: from the highest passing rate above, the rate doubles (3 s each) until p99 reaches 100 ms or a message is not delivered in time.`,
        '',
        '| server | sustained events × screens per second (p99 < 100 ms, all delivered) | screens CPU at the last pass |',
        '| --- | --- | --- |',
        ...r.ceilings.map((c) => `| ${c.server} | ${ceilingText(c)} | ${c.clientCpuPct.toFixed(0)}% |`),
        '',
      );
    }
  }

  // The targets, as the issue states them, against the baselines of this run.
  const targets: string[] = [];
  const raw510 = row(rows, 'raw ws', 5000, 10);
  const hub510 = row(rows, 'batchboard hub', 5000, 10);
  if (raw510 && hub510) {
    const ratio = hub510.p99Ms / raw510.p99Ms;
    targets.push(`| p99 at 5,000 screens × 10/s, hub against raw ws | ${hub510.p99Ms} ms against ${raw510.p99Ms} ms: ${ratio.toFixed(2)}× | ≤ 1.25× | ${verdict(ratio <= 1.25)} |`);
  }
  const rawCeil = r.ceilings.find((c) => c.server === 'raw ws');
  const hubCeil = r.ceilings.find((c) => c.server === 'batchboard hub');
  if (rawCeil?.rate && hubCeil?.rate) {
    const ratio = hubCeil.rate / rawCeil.rate;
    const capped = hubCeil.failedAt === null ? ' (the hub never failed: the search stopped at its cap, so the ratio is a floor)' : '';
    targets.push(`| sustained events × screens/s at ${n(hubCeil.screens)} screens, hub against raw ws | ${n(hubCeil.rate * hubCeil.screens)} against ${n(rawCeil.rate * rawCeil.screens)}: ${ratio.toFixed(1)}×${capped} | ≥ 2× | ${verdict(ratio >= 2)} |`);
  }
  const hubIdle = rows.find((x) => x.server === 'batchboard hub' && x.screens === 5000);
  const rawIdle = rows.find((x) => x.server === 'raw ws' && x.screens === 5000);
  const naiveIdle = rows.find((x) => x.server === 'naive socket.io' && x.screens === 5000);
  if (hubIdle) {
    targets.push(`| RSS per idle screen at 5,000 screens | hub ${hubIdle.kbPerIdleScreen.toFixed(1)} KB (raw ws ${rawIdle?.kbPerIdleScreen.toFixed(1) ?? '–'}, naive socket.io ${naiveIdle?.kbPerIdleScreen.toFixed(1) ?? '–'}) | ≤ 12 KB | ${verdict(hubIdle.kbPerIdleScreen <= 12)} |`);
  }
  if (r.storm) {
    targets.push(`| reconnect storm: ${n(r.storm.screens)} screens drop at once, until each holds the server's board | ${r.storm.settledMs} ms | ≤ 3 s | ${verdict(r.storm.settledMs <= 3_000)} |`);
    targets.push(`| the hub's event loop meanwhile (longest delay, sampled every 200 ms) | ${r.storm.loopMaxMs.toFixed(0)} ms | ≤ 200 ms | ${verdict(r.storm.loopMaxMs <= 200)} |`);
  }
  const t = r.telemetry;
  if (t) {
    targets.push(
      `| telemetry: ${t.machines} machines × ${t.readingsPerSecond} readings/s, updates per machine per screen a second | ${t.perMachinePerSecond.mean.toFixed(2)} over ${t.seconds} s (highest ${t.perMachinePerSecond.max.toFixed(2)}, counting the first, immediate frame); steady ${t.framesPerSecond.toFixed(2)} frames/s, shortest gap ${t.minGapMs ?? '–'} ms, ${t.machinesPerFrame.toFixed(1)} machines a frame | ≤ 4 | ${verdict(t.framesPerSecond <= 4 && (t.minGapMs ?? 250) >= 240)} |`,
    );
    targets.push(`| telemetry: age of the newest value when it lands on a screen | p50 ${t.ageMs.p50} ms, p99 ${t.ageMs.p99} ms, max ${t.ageMs.max} ms | ≤ 300 ms | ${verdict(t.ageMs.p99 <= 300)} |`);
    targets.push(`| telemetry: no false seq gap (board seq before → after ${n(t.readingsPerSecond * t.machines * t.seconds)} readings) | ${t.seqBefore} → ${t.seqAfter} | unchanged | ${verdict(t.seqBefore === t.seqAfter)} |`);
  }
  const embedded = r.scaleOut.find((x) => !x.redis);
  const one = r.scaleOut.find((x) => x.hubs === 1 && x.redis);
  const diff = (a: number, b: number) => `${a - b >= 0 ? '+' : ''}${a - b} ms`;
  if (embedded && one) {
    targets.push(`| the Redis hop: one hub on Redis against one embedded hub (same door, screens and rate) | p50 ${one.p50Ms} / p99 ${one.p99Ms} ms against ${embedded.p50Ms} / ${embedded.p99Ms} ms (${diff(one.p50Ms, embedded.p50Ms)} at p50, ${diff(one.p99Ms, embedded.p99Ms)} at p99) | measured | |`);
  }
  for (const x of r.scaleOut.filter((s) => s.hubs > 1)) {
    const exact = x.duplicates === 0 && x.seqHoles === 0 && x.delivered === x.expected;
    targets.push(`| scale-out, ${x.setup}: exactly once | ${n(x.delivered)} of ${n(x.expected)} delivered, ${x.duplicates} duplicates, ${x.seqHoles} seq holes | exactly once | ${verdict(exact)} |`);
    if (one) targets.push(`| scale-out, ${x.setup}: against one hub on Redis (same door, screens and rate) | p50 ${x.p50Ms} / p99 ${x.p99Ms} ms against ${one.p50Ms} / ${one.p99Ms} ms (${diff(x.p99Ms, one.p99Ms)} at p99) | measured | |`);
  }
  if (targets.length > 0) out.push('### The targets, against the baselines of this run', '', '| target | measured | goal | |', '| --- | --- | --- | --- |', ...targets, '');
  out.push(...explanations(r, hub510 && raw510 ? hub510.p99Ms / raw510.p99Ms : undefined, hubIdle?.kbPerIdleScreen, hubCeil));

  if (r.storm) {
    out.push(
      `### b. Reconnect storm`,
      '',
      `${n(r.storm.screens)} screens on the hub close their connections at once and reconnect at once; done when every one has received a snapshot at the server's seq or later: ${r.storm.settledMs} ms, with the hub's event loop at most ${r.storm.loopMaxMs.toFixed(0)} ms late. Screens that arrive in one turn of the hub's event loop share one encoded hello and snapshot (a room broadcast), so the snapshot is encoded once per group, not once per screen. It varies run to run around the 3 s goal on this 2-core machine: on 2026-12-04, 2.65–3.02 s over three runs of the 2026-11-25 commit and 2.85–3.10 s over three of the 2026-12-04 one (that day's full run included).`,
      '',
    );
  }
  if (t) {
    out.push(
      '### c. Telemetry',
      '',
      `${t.machines} machines each PUBLISH ${t.readingsPerSecond} readings a second (${t.machines * t.readingsPerSecond} messages/s) for ${t.seconds} s to a hub with ${n(t.screens)} screens. A per-message server forwards all ${t.readingsPerSecond} updates per machine per second to every screen; the hub stores each reading latest-wins without a seq and sends each screen one \`readings\` frame at most every 250 ms with the newest value of each machine (docs/protocol.md, "Telemetry"). Age on arrival is now − the reading's own \`updatedAt\`.`,
      '',
    );
  }
  if (r.scaleOut.length > 0) {
    out.push(
      '### d. Scale-out',
      '',
      'Orders go in through the first hub\'s REST door in every setup, so the setups differ only in what is compared: an embedded hub (in-process bus, no Redis) against one on Redis is the Redis hop; two hubs on one Redis with half the screens connected straight to each is the second process; "behind nginx" runs `deploy/nginx-batchboard.conf` (the config docs/scaling.md gives operators, ports rewritten) with the screens spread over 250 loopback addresses, so its hash on the client address splits them. Every screen checks each change\'s seq for repeats and holes. Server CPU adds up the hubs (and nginx) as shares of one core; on this 2-core machine the hubs, nginx, Redis and the screens all share two cores, so this shows correctness and the cost of the extra hop, not added capacity (docs/scaling.md).',
      '',
      '| setup | screens (per hub) | events/s | p50 | p99 | max | delivered | duplicates | seq holes | server CPU |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...r.scaleOut.map((x) => `| ${x.setup} | ${n(x.screens)} (${x.split.map(n).join(' + ')}) | ${x.rate} | ${x.p50Ms} ms | ${x.p99Ms} ms | ${x.maxMs} ms | ${pct(x.delivered, x.expected)} | ${x.duplicates} | ${x.seqHoles} | ${x.cpuPct.toFixed(0)}% |`),
      '',
    );
  }
  return out;
}

/** What a figure means, and for each target missed in this run: why, and what would fix it. */
function explanations(r: FanoutBench, p99Ratio: number | undefined, kbPerIdle: number | undefined, hubCeil: CeilingResult | undefined): string[] {
  const out = ['### Reading the figures', ''];
  if (p99Ratio !== undefined) {
    out.push(
      `- **p99 at 5,000 × 10/s.** At 10 events/s the changes are 100 ms apart, so the hub sends each alone, at once, like the baselines: the figure compares write paths, and socket.io's (one pre-encoded frame handed to each socket's Engine.IO transport) is close to raw ws's. Run to run it moves by tens of ms on this kind of machine: on 2026-11-25, p99 61–87 ms for raw ws and 64–87 ms for the hub; on 2026-12-04, eight runs of this cell alone (FANOUT_SCREENS=5000 FANOUT_RATES=10 FANOUT_SCENARIOS=a), alternating the 2026-11-25 commit and this one, gave the hub 77–111 ms (the 2026-11-25 commit) and 75–98 ms (the 2026-12-04 one) against raw ws 81–119 ms: the hub had not slowed, and a single run's cell is one draw from that spread.${p99Ratio > 1.25 ? ' This run missed the ratio; the spread above is why a single run can. What would close it for good: writing the pre-encoded frame to each socket beneath Engine.IO, or serving screens from a lean `ws` endpoint.' : ''}`,
    );
  }
  if (hubCeil) {
    out.push(
      `- **Ceiling.** The hub sends at most one frame per screen per 20 ms whatever the rate, so its limit is the work per change (validation, the Lua write, the feed) plus the bytes, not the frame count. At its first failing step the screens' own process was at ${hubCeil.clientCpuPct.toFixed(0)}% of its core at the last pass and near 100% beyond it: the load generator, not only the hub, sets that limit, so the hub's ratio is a floor. Raw ws and naive socket.io fail where one frame per event per screen exceeds one core.`,
    );
  }
  if (kbPerIdle !== undefined) {
    out.push(
      `- **Memory per idle screen.** Measured with forced GC in a hub holding 3,000 screens, the JS heap per connection is about 10.8 KB: raw ws alone costs 3.3 KB (its WebSocket, Receiver, Sender and the TCP socket), and Engine.IO + socket.io add about 8 KB (their Socket, Client, Decoder, transport, about 17 bound methods, 25 listener and property arrays, the adapter's per-socket room sets, ping timers); Batchboard's own per-screen state is under 1 KB. Compression is off and no per-socket buffers are held. The hub already lets go of each connection's HTTP upgrade request (0.7 KB a screen). RSS per screen adds V8's young generation growing during the connection burst, 2–3 KB a screen at 5,000, which varies run to run: 11.9–13.7 KB over this session's runs, so 12 KB sits inside the spread (met in some runs, missed in others${kbPerIdle > 12 ? ', as in this one' : ', met in this one'}). With \`--max-semi-space-size=1\` the hub measured 11.1 KB, but its CPU at 5,000 × 10/s rose from 57% to 76%, a bad trade, so V8's default stays. What would meet the target for good: serving \`/board\` from a lean \`ws\` endpoint that speaks the same events (shared/ keeps the contract; about raw ws's 3.3 KB a screen), keeping socket.io for the kiosk and the console. That changes the screens' transport and is left for a decision.`,
    );
  }
  if (r.scaleOut.some((x) => x.hubs > 1)) {
    out.push(
      '- **Scale-out latency.** On this 2-core machine every added process (a second hub, nginx) takes CPU from the same two cores that run Redis, the screens and the first hub, and nginx copies every frame once more through the kernel. The figures show that N hubs deliver exactly once and what the extra hop costs under contention; the Redis hop itself shows best at p50 (p99 of one 4 s run moves by tens of ms from run to run). With a core per hub and the balancer on its own machine, each hub carries only its share of the screens (docs/scaling.md).',
    );
  }
  out.push('');
  return out;
}
