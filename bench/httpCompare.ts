/**
 * Chooses between local server configurations by measurement (bench/README.md, "HTTP and fleet
 * figures"): several servers as bench/http.ts starts them, each with a configuration of its own,
 * get the same uploads in rounds, the variants' order rotating from round to round, so that the
 * machine's load weighs on each alike. Per round and variant: with every sync idle, a re-send of
 * an established install's 100,000 devices (1 % changed) and a new install's first snapshot; then
 * right after it, beside that first snapshot's sync, another re-send.
 *
 * `node --import tsx bench/httpCompare.ts [--rounds=N] 'name=flags' …`: each variant runs npm
 * start's node flags plus its own (`--s3-in-process` and `--fleet-*` go to the server instead);
 * `npm start` alone is the variant `npm start=`. Prints a table and writes
 * bench/results/http-compare.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { type BenchServer, bodyOf, dailyChange, fleetOf, npmStartNodeFlags, type ServerVariant, startBenchServer, timeParse } from './http.js';
import { median, round } from './support.js';

const args = process.argv.slice(2);
const rounds = Number(args.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? 4);
const variants: ServerVariant[] = args
  .filter((arg) => !arg.startsWith('--rounds='))
  .map((arg) => {
    const at = arg.indexOf('=');
    const [name, flags] = at < 0 ? [arg, ''] : [arg.slice(0, at), arg.slice(at + 1)];
    const extra = flags.split(/\s+/).filter(Boolean);
    const serverArg = (flag: string) => flag === '--s3-in-process' || flag.startsWith('--fleet-');
    return { name, nodeFlags: [...npmStartNodeFlags(), ...extra.filter((f) => !serverArg(f))], args: extra.filter(serverArg) };
  });
if (variants.length === 0) throw new Error("usage: bench/httpCompare.ts [--rounds=N] 'npm start=' 'other=--flag' …");

const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const DEVICES = 100_000;
const load = [loadAverage()];
const servers: BenchServer[] = [];
try {
  // Started and warmed up together (each warms its own DynamoDB Local on disk).
  for (const variant of variants) console.error(`starting and warming up "${variant.name}" (${variant.nodeFlags.join(' ')} ${variant.args?.join(' ') ?? ''})…`);
  const started = await Promise.allSettled(variants.map((variant) => startBenchServer(variant)));
  for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  const fleet = fleetOf(1, DEVICES);
  const first = bodyOf(fleet);
  const perRound = Array.from({ length: rounds }, (_, r) => ({
    idle: bodyOf(dailyChange(fleet, 2 * r + 1)),
    busy: bodyOf(dailyChange(fleet, 2 * r + 2)),
    starter: bodyOf(fleetOf(100 + r, DEVICES)),
  }));
  // The bare parse is timed in every round too, beside the uploads, not only before them: the machine's load moves it.
  const parses = [first, ...perRound.map((r) => r.idle)].flatMap((body) => [timeParse(body.text), timeParse(body.text)]);
  const keys = await Promise.all(servers.map(async (server) => ({ established: await server.newInstall('compare'), starters: await Promise.all(perRound.map((_, r) => server.newInstall(`compare-new-${r}`))) })));
  for (const [i, server] of servers.entries()) await server.post(keys[i]!.established, first);
  const allIdle = () => Promise.all(servers.map((server) => server.idle()));
  const times = servers.map(() => ({ idle: [] as number[], onboarding: [] as number[], busy: [] as number[], cpuMs: 0, gcMs: 0 }));
  for (let r = 0; r < rounds; r++) {
    await allIdle();
    parses.push(timeParse(perRound[r]!.idle.text), timeParse(perRound[r]!.busy.text));
    for (let k = 0; k < servers.length; k++) {
      const i = (r + k) % servers.length;
      const server = servers[i]!;
      await allIdle();
      const before = await server.stats();
      times[i]!.idle.push(await server.post(keys[i]!.established, perRound[r]!.idle));
      await allIdle();
      times[i]!.onboarding.push(await server.post(keys[i]!.starters[r]!, perRound[r]!.starter));
      times[i]!.busy.push(await server.post(keys[i]!.established, perRound[r]!.busy));
      const after = await server.stats();
      times[i]!.cpuMs += after.cpuMs - before.cpuMs;
      times[i]!.gcMs += after.gcMs - before.gcMs;
    }
    load.push(loadAverage());
    console.error(`round ${r + 1} of ${rounds} done (load average ${load[load.length - 1]})`);
  }
  await allIdle();
  const parseMs = median(parses);
  const results = servers.map((server, i) => {
    const t = times[i]!;
    return {
      name: server.variant.name,
      nodeFlags: server.variant.nodeFlags,
      args: server.variant.args,
      idleRatio: round(median(t.idle) / parseMs),
      onboardingRatio: round(median(t.onboarding) / parseMs),
      backgroundSlowdown: round(median(t.busy) / median(t.idle)),
      idleMs: t.idle.map((ms) => round(ms, 0)),
      onboardingMs: t.onboarding.map((ms) => round(ms, 0)),
      busyMs: t.busy.map((ms) => round(ms, 0)),
      serverCpuMsPerRound: round(t.cpuMs / rounds, 0),
      serverGcMsPerRound: round(t.gcMs / rounds, 0),
    };
  });
  const output = { measuredAt: new Date().toISOString(), rounds, parseMs: round(parseMs, 1), loadAverage: load, variants: results };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/http-compare.json', import.meta.url), `${JSON.stringify(output, null, 2)}\n`);
  console.log(`parse ${output.parseMs} ms, load average ${load.join(' → ')}`);
  console.log(`${'variant'.padEnd(24)} ${'idle×'.padStart(6)} ${'new×'.padStart(6)} ${'busy/idle'.padStart(9)}  cpu/gc ms a round  idle | new | busy ms`);
  for (const v of results) {
    console.log(`${v.name.padEnd(24)} ${String(v.idleRatio).padStart(6)} ${String(v.onboardingRatio).padStart(6)} ${String(v.backgroundSlowdown).padStart(9)}  ${v.serverCpuMsPerRound}/${v.serverGcMsPerRound}  ${v.idleMs.join(' ')} | ${v.onboardingMs.join(' ')} | ${v.busyMs.join(' ')}`);
  }
} finally {
  for (const server of servers) await server.stop();
}
