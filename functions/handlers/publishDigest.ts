/**
 * The daily digest on AWS (DESIGN.md §11): an EventBridge schedule invokes this function
 * asynchronously, and its answer goes to the digest SNS topic as the invocation's on-success
 * destination (lib/constructs/dailyDigest.ts), so the function itself needs no SNS client: it
 * computes the digest and answers it with a short text for the e-mail's reader.
 */
import { digestText } from '../domain/digestText.js';
import { digest } from '../services/digest.js';
import { clients } from '../store/clients.js';

export async function handler(): Promise<{ summary: string; digest: Awaited<ReturnType<typeof digest>> }> {
  const result = await digest(clients(), new Date());
  return { summary: digestText(result), digest: result };
}
