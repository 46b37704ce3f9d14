/**
 * Narrowing for values an invariant of the code guarantees (a key set just before, an index
 * inside its array, an option a caller always passes), where a non-null assertion would only
 * move a broken invariant's failure to a vaguer TypeError further on. Never for input: input is
 * validated and refused with a problem before it gets here.
 */

/** `value`, or an Error naming `what` was missing when it is `undefined` or `null`. */
export function defined<T>(value: T, what: string): NonNullable<T> {
  if (value === undefined || value === null) throw new Error(`Internal error: ${what} is missing`);
  return value;
}
