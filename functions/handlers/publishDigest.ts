/**
 * The daily digest on AWS (DESIGN.md §11): an EventBridge schedule invokes this function
 * each morning (lib/constructs/dailyDigest.ts); it computes the digest of the day before the
 * scheduled time (the event's `time`, so that a retried run covers the same day as the first)
 * and publishes it to the digest SNS topic (TOPIC_ARN) as an e-mail a person reads: a subject
 * with the counts and a plain-text body (domain/digestMail.ts). It answers what it published,
 * for the function's log; a failure throws, and Lambda retries the run.
 */
import { digestMail } from '../domain/digestMail.js';
import { logger } from '../observability/index.js';
import { digest, digestInstallNames } from '../services/digest.js';
import { clients } from '../store/clients.js';
import { publishDigestMail } from '../store/digestTopic.js';

export interface PublishedDigest {
  asOf: string;
  subject: string;
  messageId: string | undefined;
}

/** The scheduled event's parts this function reads (an EventBridge event; a manual invocation may send none). */
export interface ScheduledEvent {
  time?: string;
}

/** The instant the digest is computed as of: the schedule's time, or now for an invocation without one. */
export function digestInstant(event: ScheduledEvent | undefined, now = new Date()): Date {
  const scheduled = event?.time === undefined ? Number.NaN : Date.parse(event.time);
  return Number.isNaN(scheduled) ? now : new Date(scheduled);
}

/** Publishes the digest of the day before the scheduled time to the digest topic. */
export async function handler(event?: ScheduledEvent): Promise<PublishedDigest> {
  const c = clients();
  const result = await digest(c, digestInstant(event));
  const mail = digestMail(result, await digestInstallNames(c, result));
  const messageId = await publishDigestMail(c, mail);
  logger.info('digest published', { asOf: result.asOf, subject: mail.subject, messageId });
  return { asOf: result.asOf, subject: mail.subject, messageId };
}
