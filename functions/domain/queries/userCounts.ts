import { z } from 'zod';
import { count } from '../schemas/fields.js';
import { defineQuery } from './types.js';

export const userCountRecord = z
  .strictObject({ users: count, activeUsers: count, reportRecipients: count })
  .refine((r) => r.activeUsers <= r.users, { message: 'must not exceed users', path: ['activeUsers'] });
export type UserCountRecord = z.infer<typeof userCountRecord>;

/** The summary is the one record as sent. */
export function summarizeUserCounts(records: readonly UserCountRecord[]) {
  const [only] = records;
  return { users: only!.users, activeUsers: only!.activeUsers, reportRecipients: only!.reportRecipients };
}

export const userCounts = defineQuery({
  queryType: 'user-counts',
  optional: false,
  record: userCountRecord,
  uniqueBy: [],
  exactlyOne: true,
  summarize: summarizeUserCounts,
});
