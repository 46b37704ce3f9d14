/**
 * Request bodies and query parameters are validated with `zod/mini`: the same core as classic
 * zod (the same checks, issues and JSON Schema) without classic zod's methods on every schema,
 * so a function that parses only small requests loads ~20 KiB of zod instead of ~90 KiB
 * (bench/README.md, "initRatio"). The record schemas of the query types stay classic zod.
 *
 * zod/mini has no messages until a locale is set; importing this module sets zod's English ones
 * (those classic zod sets on its first schema), so request problems are worded as before. Every
 * module that builds zod/mini schemas imports it (`import * as z from 'zod/mini'` itself, which
 * esbuild tree-shakes; a namespace re-exported from here would not be).
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

if (config().localeError === undefined) config(en());
