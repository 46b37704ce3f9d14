/** Option values checked in the CLI's own words before anything is sent. */
import { UsageError } from './context.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function dateOption(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UsageError(`${flag} must be a date like 2026-12-31`);
  return value;
}

/** A date and time; a bare date means its start (UTC). */
export function dateTimeOption(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return `${value}T00:00:00Z`;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`${flag} must be a date like 2026-12-31 or a time like 2026-12-31T08:00:00Z`);
  }
  return value;
}

export function wholeNumberOption(flag: string, value: string | undefined, min: number, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not ${value}`);
  return value;
}
