/**
 * The daily digest on AWS (DESIGN.md §11): an EventBridge schedule invokes this function
 * each morning (lib/constructs/dailyDigest.ts); it computes the digest of the day before now
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

export async function handler(): Promise<PublishedDigest> {
  const c = clients();
  const result = await digest(c, new Date());
  const mail = digestMail(result, await digestInstallNames(c, result));
  const messageId = await publishDigestMail(c, mail);
  logger.info('digest published', { asOf: result.asOf, subject: mail.subject, messageId });
  return { asOf: result.asOf, subject: mail.subject, messageId };
}
