import * as z from 'zod/mini';
import { count, opaqueToken } from '../schemas/fields.js';
import { defineQuery, foldAll, type RecordFold, recordSchema } from './types.js';

export const userActionRecordSchema = recordSchema(() => z.strictObject({ userHash: opaqueToken, actions: count }));
export type UserActionRecord = z.infer<ReturnType<typeof userActionRecordSchema>>;

/** The user-actions summary one record at a time. */
export function userActionsFold(): RecordFold<UserActionRecord, { users: number; actions: number }> {
  let users = 0;
  let actions = 0;
  return {
    add(r) {
      users += 1;
      actions += r.actions;
    },
    result: () => ({ users, actions }),
  };
}

export function summarizeUserActions(records: readonly UserActionRecord[]) {
  return foldAll(userActionsFold(), records);
}

export const userActions = defineQuery({
  queryType: 'user-actions',
  optional: true,
  record: userActionRecordSchema,
  uniqueBy: ['userHash'],
  summarize: summarizeUserActions,
  summaryFold: userActionsFold,
});
