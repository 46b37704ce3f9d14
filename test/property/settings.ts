/**
 * fast-check settings for the property tests: a fixed seed, so CI runs the same cases every
 * time (a failure prints its seed and path for replay), and modest run counts.
 *
 * FC_SEED=<n> picks another seed (FC_SEED=random: a new one each run, to explore);
 * FC_RUNS=<factor> multiplies the run counts (e.g. 10 for a long local run).
 */
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 20261128;

function seed(): number | undefined {
  const value = process.env.FC_SEED;
  if (value === 'random') return undefined;
  return value === undefined || value === '' ? DEFAULT_SEED : Number(value);
}

export function propertyOptions<T>(numRuns: number): Parameters<T> {
  const factor = Number(process.env.FC_RUNS ?? 1) || 1;
  const chosen = seed();
  return { numRuns: Math.max(1, Math.round(numRuns * factor)), ...(chosen === undefined ? {} : { seed: chosen }) };
}
