/**
 * License-state records (devices and containers) share one rule and one summary, LS:
 * `{ licensed, unlicensed, nextUnlicensedOn, expiringWithin30Days }`, counted against collectedAt.
 */
import { addDays } from '../calendarDates.js';
import { isoDate } from '../schemas/fields.js';
import { type ExpiryHistogram, foldAll, type RecordContext, type RecordFold, type RecordIssue } from './types.js';
import * as z from 'zod/mini';

/** The fields the license-state record schemas share, built with them (`recordSchema`). */
export const licenseStateFields = () => ({
  licensed: z.boolean(),
  unlicensedOn: z.nullable(isoDate),
});

export interface LicenseStateRecord {
  licensed: boolean;
  unlicensedOn: string | null;
}

export interface LicenseStateSummary {
  licensed: number;
  unlicensed: number;
  /** The earliest unlicensedOn on or after collectedAt's date among licensed records. */
  nextUnlicensedOn: string | null;
  /** Licensed records whose unlicensedOn falls within 30 days of collectedAt's date. */
  expiringWithin30Days: number;
}

export const EXPIRY_WINDOW_DAYS = 30;

/** A licensed record cannot have lost its license before it was collected. */
export function checkLicenseState(record: LicenseStateRecord, context: RecordContext): RecordIssue | undefined {
  if (record.licensed && record.unlicensedOn !== null && record.unlicensedOn < context.collectedOn) {
    return { path: ['unlicensedOn'], message: `is before the date of collectedAt (${context.collectedOn}) for a licensed record` };
  }
  return undefined;
}

/** The license-state summary one record at a time. */
export function licenseStatesFold(context: RecordContext): RecordFold<LicenseStateRecord, LicenseStateSummary> {
  const windowEnd = addDays(context.collectedOn, EXPIRY_WINDOW_DAYS);
  let total = 0;
  let licensed = 0;
  let nextUnlicensedOn: string | null = null;
  let expiringWithin30Days = 0;
  return {
    add(record) {
      total += 1;
      if (!record.licensed) return;
      licensed += 1;
      const on = record.unlicensedOn;
      if (on === null) return;
      if (nextUnlicensedOn === null || on < nextUnlicensedOn) nextUnlicensedOn = on;
      if (on <= windowEnd) expiringWithin30Days += 1;
    },
    result: () => ({ licensed, unlicensed: total - licensed, nextUnlicensedOn, expiringWithin30Days }),
  };
}

export function summarizeLicenseStates(records: readonly LicenseStateRecord[], context: RecordContext): LicenseStateSummary {
  return foldAll(licenseStatesFold(context), records);
}

/** Dates kept exactly in an expiry histogram (more than a year of distinct days). */
export const MAX_EXPIRY_DATES = 400;

/** The expiry histogram one record at a time. */
export function expiriesFold(): RecordFold<LicenseStateRecord, ExpiryHistogram> {
  const counts = new Map<string, number>();
  return {
    add(record) {
      if (record.licensed && record.unlicensedOn !== null) counts.set(record.unlicensedOn, (counts.get(record.unlicensedOn) ?? 0) + 1);
    },
    result() {
      const sorted = [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
      const later = sorted.slice(MAX_EXPIRY_DATES).reduce((sum, [, n]) => sum + n, 0);
      return { dates: Object.fromEntries(sorted.slice(0, MAX_EXPIRY_DATES)), later };
    },
  };
}

export function expiryHistogram(records: readonly LicenseStateRecord[]): ExpiryHistogram {
  return foldAll(expiriesFold(), records);
}
