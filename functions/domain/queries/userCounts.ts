import * as z from 'zod/mini';
import { defined } from '../defined.js';
import { count } from '../schemas/fields.js';
import { defineQuery, type RecordIssue, recordSchema } from './types.js';

export const userCountRecordSchema = recordSchema(() => z.strictObject({ users: count, activeUsers: count, reportRecipients: count }));
export type UserCountRecord = z.infer<ReturnType<typeof userCountRecordSchema>>;

export function checkActiveUsers(r: UserCountRecord): RecordIssue | undefined {
  return r.activeUsers <= r.users ? undefined : { path: ['activeUsers'], message: 'must not exceed users' };
}

/** The summary is the one record as sent. */
export function summarizeUserCounts(records: readonly UserCountRecord[]) {
  // `exactlyOne` is validated before any summary.
  const only = defined(records[0], 'the one user-counts record');
  return { users: only.users, activeUsers: only.activeUsers, reportRecipients: only.reportRecipients };
}

export const userCounts = defineQuery({
  queryType: 'user-counts',
  optional: false,
  record: userCountRecordSchema,
  uniqueBy: [],
  exactlyOne: true,
  checkRecord: checkActiveUsers,
  summarize: summarizeUserCounts,
});
