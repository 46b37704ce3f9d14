/** GET /health: liveness, answered without loading anything (http/staticAnswer.ts). */
import { staticJsonHandler } from '../http/staticAnswer.js';

export const handler = staticJsonHandler(JSON.stringify({ status: 'ok' }));
