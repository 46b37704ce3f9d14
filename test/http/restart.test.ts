/**
 * `npm start` as a user runs it: a separate process with its data on disk. Data survives a
 * restart, and SIGTERM stops everything, the DynamoDB Local JVM, the s3rver process and the
 * fleet sync process included. Upload sessions' S3 events reach the server from its s3rver
 * process, also after that process died and was started again.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requiredQueryTypes } from '../../functions/domain/licenseFiles.js';
import { sample } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpa-restart-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function startServer(viaNpm = false): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_DIR: dataDir, QUIET: '1' };
  delete env.STAFF_API_KEY;
  delete env.DYNAMODB_ENDPOINT;
  delete env.S3_ENDPOINT;
  delete env.TABLE_NAME;
  delete env.RAW_BUCKET;
  delete env.INCOMING_BUCKET;
  delete env.NODE_OPTIONS;
  const child = viaNpm
    ? spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', 'bin/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Generous: JVM start-up under a loaded machine, not a performance bound.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const match = /ready at (http:\/\/[^\s]+)/.exec(output);
    if (match) return { child, url: match[1]!, output: () => output };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${output}`);
}

async function stopServer(started: Started): Promise<number | null> {
  const exited = once(started.child, 'exit');
  started.child.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

function javaProcessesUsing(dir: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes('DynamoDBLocal') && line.includes(dir));
}

/** The s3rver processes keeping their objects under `dir` (their pids). */
function s3ProcessesUsing(dir: string): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((line) => line.includes('s3rverProcess') && line.includes(dir))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** The fleet sync processes whose parent is `pid`. */
function fleetProcessesOf(pid: number): string[] {
  const ps = execFileSync('ps', ['-eo', 'ppid,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes('fleetSyncProcess') && Number(line.trim().split(/\s+/)[0]) === pid);
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('keeps its data (and its license signing key) across a restart and shuts down cleanly on SIGTERM', async () => {
  const first = await startServer();
  expect(first.output()).toContain('staff API key in the file');
  const staffKey = (await readFile(join(dataDir, 'staff-api-key'), 'utf8')).trim();
  const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  const created: any = await (await fetch(`${first.url}/v1/installs`, { method: 'POST', headers: auth(staffKey), body: JSON.stringify({ customerId: 'restart', name: 'Restart test' }) })).json();
  const accepted = await fetch(`${first.url}/v1/uploads/devices`, { method: 'POST', headers: auth(created.apiKey), body: JSON.stringify(sample('devices', { devices: 25, collectedAt: minutesAgo(1) })) });
  expect(accepted.status).toBe(201);
  // A license file, signed with the key made on first issue under DATA_DIR (mode 0600).
  for (const queryType of requiredQueryTypes.filter((t) => t !== 'devices')) {
    const answer = await fetch(`${first.url}/v1/uploads/${queryType}`, { method: 'POST', headers: auth(created.apiKey), body: JSON.stringify(sample(queryType, { collectedAt: minutesAgo(1) })) });
    expect(answer.status).toBe(201);
  }
  const issueLicense = (url: string, validDays: number) =>
    fetch(`${url}/v1/installs/${created.installId}/license-files`, { method: 'POST', headers: auth(staffKey), body: JSON.stringify({ validDays }) });
  const firstLicense = await issueLicense(first.url, 10);
  expect(firstLicense.status).toBe(201);
  const firstKid = ((await firstLicense.json()) as any).kid;
  expect((await stat(join(dataDir, 'license-signing-key.pem'))).mode & 0o777).toBe(0o600);
  expect(javaProcessesUsing(dataDir)).toHaveLength(1);
  expect(await stopServer(first)).toBe(0);
  expect(javaProcessesUsing(dataDir)).toEqual([]);

  const second = await startServer();
  try {
    const shown: Response = await fetch(`${second.url}/v1/installs/${created.installId}`, { headers: auth(staffKey) });
    expect(shown.status).toBe(200);
    expect(((await shown.json()) as any).queries.devices.summary.total).toBe(25);
    const upload = await fetch(`${second.url}/v1/uploads/${((await accepted.json()) as any).uploadId}`, { headers: auth(created.apiKey) });
    expect(((await upload.json()) as any).status).toBe('accepted');
    // The same signing key after the restart: the same kid, still the one published.
    const secondLicense = await issueLicense(second.url, 20);
    expect(secondLicense.status).toBe(201);
    expect(((await secondLicense.json()) as any).kid).toBe(firstKid);
    const jwks: any = await (await fetch(`${second.url}/.well-known/jwks.json`)).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([firstKid]);
  } finally {
    expect(await stopServer(second)).toBe(0);
  }
  expect(javaProcessesUsing(dataDir)).toEqual([]);
}, 300_000);

it('kill -TERM <pid of npm start> stops the server and both emulators (s3rver in its process)', async () => {
  const started = await startServer(true);
  // The README's ready message is what is printed.
  expect(started.output()).toMatch(/^MPA licensing service ready at http:\/\/127\.0\.0\.1:\d+ \(data in .+; staff API key in the file .+staff-api-key\)$/m);
  expect((await fetch(`${started.url}/health`)).status).toBe(200);
  expect(javaProcessesUsing(dataDir)).toHaveLength(1);
  expect(s3ProcessesUsing(dataDir)).toHaveLength(1);
  await stopServer(started);
  // npm exits once its child did; give the JVM's exit a moment to show in ps.
  for (let i = 0; i < 50 && javaProcessesUsing(dataDir).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(javaProcessesUsing(dataDir)).toEqual([]);
  for (let i = 0; i < 50 && s3ProcessesUsing(dataDir).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(s3ProcessesUsing(dataDir)).toEqual([]);
  await expect(fetch(`${started.url}/health`)).rejects.toThrow();
}, 120_000);

it('delivers upload sessions from its s3rver process, starts that process again should it die, and stops it on SIGTERM', async () => {
  const started = await startServer();
  try {
    const staffKey = (await readFile(join(dataDir, 'staff-api-key'), 'utf8')).trim();
    const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
    const created: any = await (await fetch(`${started.url}/v1/installs`, { method: 'POST', headers: auth(staffKey), body: JSON.stringify({ customerId: 'restart', name: 'Sessions' }) })).json();
    /** An upload session of a devices snapshot, PUT to S3; resolves once the server has accepted it from S3's event. */
    const uploadThroughSession = async (minutes: number) => {
      const body = gzipSync(JSON.stringify(sample('devices', { devices: 10, collectedAt: minutesAgo(minutes) })));
      const opened = await fetch(`${started.url}/v1/upload-sessions`, {
        method: 'POST',
        headers: auth(created.apiKey),
        body: JSON.stringify({ kind: 'query', queryType: 'devices', contentLength: body.length, contentEncoding: 'gzip' }),
      });
      expect(opened.status).toBe(201);
      const session: any = await opened.json();
      // After a restart the new s3rver may take a moment to listen on its port again.
      await waitFor(() => fetch(new URL(session.url).origin).then(() => true, () => false), 's3rver to answer');
      expect((await fetch(session.url, { method: 'PUT', headers: session.headers, body })).status).toBe(200);
      await waitFor(async () => {
        const upload: any = await (await fetch(`${started.url}/v1/uploads/${session.uploadId}`, { headers: auth(created.apiKey) })).json();
        return upload.status === 'accepted';
      }, 'the session to be accepted');
    };
    const [s3Pid] = s3ProcessesUsing(dataDir);
    expect(s3ProcessesUsing(dataDir)).toHaveLength(1);
    expect(fleetProcessesOf(started.child.pid!)).toHaveLength(1);
    await uploadThroughSession(3);

    process.kill(s3Pid!, 'SIGKILL');
    await waitFor(() => s3ProcessesUsing(dataDir).some((pid) => pid !== s3Pid), 'the s3rver process to be started again');
    await uploadThroughSession(2);
  } finally {
    expect(await stopServer(started)).toBe(0);
  }
  expect(s3ProcessesUsing(dataDir)).toEqual([]);
  expect(fleetProcessesOf(started.child.pid!)).toEqual([]);
  expect(javaProcessesUsing(dataDir)).toEqual([]);
}, 300_000);
