/** JSON text to a value, for upload and control-route bodies alike. */
import { ProblemError } from './problems.js';

/** Parses JSON text, mapping a syntax error to `invalid_json`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProblemError('invalid_json', `The body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
}
