/**
 * Identical uploads racing each other get exactly one 201 and 200 for the rest (DESIGN.md §3),
 * never a 5xx. Found: 12 of 240 racing uploads answered 500 when S3's 409
 * ConditionalRequestConflict (another conditional write of the same raw key in flight) escaped
 * the upload path; a single round passed or failed by luck. So: many rounds, at 8 and at 32
 * racers, and a variant whose conditional writes the S3 emulator holds in flight (as a slow PUT
 * to S3 would), so that every loser meets the 409. Counts only, never timed.
 */
import { holdConditionalWrites } from '../support/sdkCalls.js';
import { clients, createTestInstall, sample, startTestApi, type TestApi, type TestInstall, upload } from '../support/localApi.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

let minute = 0;
/** A new collectedAt for each round: 1 s apart, in the last hours. */
const nextCollectedAt = () => new Date(Date.now() - 3 * 3600_000 + ++minute * 1000).toISOString();

/** Races `racers` identical uploads `rounds` times; returns every round's sorted statuses and its upload ids. */
async function race(install: TestInstall, racers: number, rounds: number): Promise<{ statuses: number[]; uploadIds: Set<string> }[]> {
  const outcomes: { statuses: number[]; uploadIds: Set<string> }[] = [];
  for (let round = 0; round < rounds; round++) {
    const envelope = sample('licensing-counts', { devices: 20, collectedAt: nextCollectedAt() });
    const answers = await Promise.all(Array.from({ length: racers }, () => upload(api, install, 'licensing-counts', envelope)));
    outcomes.push({ statuses: answers.map((a) => a.status).sort(), uploadIds: new Set(answers.map((a) => a.body?.uploadId)) });
  }
  return outcomes;
}

const oneWinner = (racers: number) => ({ statuses: [...Array.from({ length: racers - 1 }, () => 200), 201], uploadIds: new Set([expect.any(String)]) });

describe.each([8, 32])('%i identical uploads racing, 50 rounds', (racers) => {
  it('every round: one 201, 200 for the rest, one upload id, no 5xx', async () => {
    const install = await createTestInstall(api);
    const outcomes = await race(install, racers, 50);
    expect(outcomes.flatMap((o) => o.statuses).filter((s) => s >= 500)).toEqual([]);
    expect(outcomes).toEqual(Array.from({ length: 50 }, () => oneWinner(racers)));
  }, 300_000);
});

it('with every conditional write held in flight, the losers wait for the winner and answer 200', async () => {
  const install = await createTestInstall(api);
  const held = holdConditionalWrites(clients(), 150);
  try {
    const outcomes = await race(install, 8, 10);
    expect(outcomes.flatMap((o) => o.statuses).filter((s) => s >= 500)).toEqual([]);
    expect(outcomes).toEqual(Array.from({ length: 10 }, () => oneWinner(8)));
  } finally {
    held.remove();
  }
}, 120_000);
