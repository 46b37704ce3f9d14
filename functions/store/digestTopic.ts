/**
 * The digest's SNS topic (lib/constructs/dailyDigest.ts): publishes one e-mail (subject and
 * plain text) to TOPIC_ARN. The client is built on first use, so only the digest function
 * bundles @aws-sdk/client-sns. There is no SNS emulator: locally the digest is read with
 * `npx mpa-licensing reports digest`, and tests mock this client (aws-sdk-client-mock).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DigestMail } from '../domain/digestMail.js';
import type { Clients } from './clients.js';

let sns: SNSClient | undefined;

/** Publishes `mail` to the topic of TOPIC_ARN; answers SNS's message id. Throws when TOPIC_ARN is unset. */
export async function publishDigestMail(c: Clients, mail: DigestMail, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const topicArn = env.TOPIC_ARN;
  if (!topicArn) throw new Error('TOPIC_ARN is not set: the digest has no topic to publish to');
  sns ??= new SNSClient({ region: c.config.region });
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: mail.subject, Message: mail.body }));
  return MessageId;
}
