/** The digest function computes the day before the schedule's time, so a retried run mails the same day (functions/handlers/publishDigest.ts). */
import { digestInstant } from '../../functions/handlers/publishDigest.js';

const now = new Date('2026-12-07T09:30:00.000Z');

it("takes the scheduled event's time, so a retry covers the same day", () => {
  expect(digestInstant({ time: '2026-12-07T06:00:00Z' }, now).toISOString()).toBe('2026-12-07T06:00:00.000Z');
});

it('falls back to now for an invocation without a usable time', () => {
  expect(digestInstant(undefined, now)).toBe(now);
  expect(digestInstant({}, now)).toBe(now);
  expect(digestInstant({ time: 'not a time' }, now)).toBe(now);
});
