import * as z from 'zod/mini';
import { count, opaqueToken } from '../schemas/fields.js';
import { defineQuery } from './types.js';

export const userActionRecord = z.strictObject({ userHash: opaqueToken, actions: count });
export type UserActionRecord = z.infer<typeof userActionRecord>;

export function summarizeUserActions(records: readonly UserActionRecord[]) {
  let actions = 0;
  for (const r of records) actions += r.actions;
  return { users: records.length, actions };
}

export const userActions = defineQuery({
  queryType: 'user-actions',
  optional: true,
  record: userActionRecord,
  uniqueBy: ['userHash'],
  summarize: summarizeUserActions,
});
