/**
 * Request bodies, query parameters, the record schemas of the query types (./fields.ts), the
 * upload envelope and the bundle manifest are validated with `zod/mini`: the same core as
 * classic zod (the same checks, issues and JSON Schema) without classic zod's methods on every
 * schema, so no function that parses requests or uploads loads classic zod (bench/README.md,
 * "initRatio"); only the API description (functions/api) builds classic schemas around them.
 *
 * zod/mini has no messages until a locale is set; importing this module sets zod's English ones
 * (those classic zod sets on its first schema), so request problems are worded as before. Every
 * module that builds zod/mini schemas imports it (`import * as z from 'zod/mini'` itself, which
 * esbuild tree-shakes; a namespace re-exported from here would not be).
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

if (config().localeError === undefined) config(en());
