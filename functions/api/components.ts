/**
 * The named schemas of the OpenAPI document (`components.schemas`), converted from zod with
 * z.toJSONSchema (JSON Schema 2020-12, the dialect of OpenAPI 3.1). A schema registered here
 * is referenced by `$ref` wherever it is used; anything else is written inline.
 */
import * as z from 'zod';
import { bundleManifest } from '../bundles/manifest.js';
import { entitlementRequest } from '../domain/entitlements.js';
import { createInstallRequest, customerId, usageCollectionRequest, patchInstallRequest } from '../domain/installs.js';
import { createStaffKeyRequest } from '../domain/staffKeys.js';
import { querySpecs } from '../domain/queries/index.js';
import { isoDate, isoDateTime, opaqueToken } from '../domain/schemas/fields.js';
import { uploadSessionRequest } from '../sessions/request.js';
import { issueLicenseFileRequest } from '../domain/licenseFileRequest.js';
import { installId, queryTypeName, uploadId } from './identifiers.js';
import { dateParameter, dateTimeParameter } from './reportQueries.js';
import { anyUploadBody, uploadBodies } from './requestSchemas.js';
import * as bodies from './responseSchemas.js';
import { licenseStateSummary, summarySchemas } from './summarySchemas.js';

export type JsonSchema = Record<string, unknown>;

const registry = z.registry<{ id: string }>();

/** Classic zod (records, responses) or zod/mini (requests, domain/schemas/requestLocale.ts). */
type AnySchema = z.core.$ZodType;

function register(name: string, schema: AnySchema): void {
  if (!registry.has(schema)) registry.add(schema, { id: name });
}

/** `call-quality` → `CallQuality`. */
const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z])/g, (_, _dash, letter: string) => letter.toUpperCase());

register('QueryType', queryTypeName);
register('Date', isoDate);
register('DateTime', isoDateTime);
register('AnonymizedId', opaqueToken);
register('UploadId', uploadId);
register('InstallId', installId);
register('CustomerId', customerId);
register('Problem', bodies.problemBody);
register('Receipt', bodies.receiptBody);
register('LicenseStateSummary', licenseStateSummary);
for (const { queryType, record } of querySpecs) {
  register(`${pascal(queryType)}Record`, record());
  register(`${pascal(queryType)}Upload`, uploadBodies[queryType]);
  register(`${pascal(queryType)}Summary`, summarySchemas[queryType]);
}

const requestAndResponseBodies: Record<string, AnySchema> = {
  Upload: anyUploadBody,
  UploadStatus: bodies.uploadStatusBody,
  UsageCollection: usageCollectionRequest,
  CreateInstallRequest: createInstallRequest,
  CreatedInstall: bodies.createdInstallBody,
  RotatedKey: bodies.rotatedKeyBody,
  Install: bodies.installBody,
  ReceiptPage: bodies.receiptPage,
  Health: bodies.healthBody,
  UploadSessionRequest: uploadSessionRequest,
  UploadSession: bodies.uploadSessionBody,
  BundleManifest: bundleManifest,
  BundleResult: bodies.bundleResultBody,
  CustomerLicenseState: bodies.customerLicenseStateBody,
  ExpiringReportPage: bodies.expiringReportPage,
  StaleReportPage: bodies.staleReportPage,
  DuplicateIdentifiersReportPage: bodies.duplicateIdentifiersReportPage,
  VersionsReportPage: bodies.versionsReportPage,
  OpenApiDocument: bodies.openApiBody,
  EntitlementRequest: entitlementRequest,
  Entitlement: bodies.entitlementBody,
  EntitlementList: bodies.entitlementList,
  Compliance: bodies.complianceBody,
  OverDeploymentReport: bodies.overDeploymentReportBody,
  IssueLicenseFileRequest: issueLicenseFileRequest,
  LicenseFile: bodies.licenseFileBody,
  LicenseFilePage: bodies.licenseFilePage,
  Jwks: bodies.jwksBody,
  CustomerListPage: bodies.customerListPage,
  InstallListPage: bodies.installListPage,
  PatchInstallRequest: patchInstallRequest,
  CreateStaffKeyRequest: createStaffKeyRequest,
  CreatedStaffKey: bodies.createdStaffKeyBody,
  StaffKeyList: bodies.staffKeyList,
  AuditPage: bodies.auditPage,
  Digest: bodies.digestBody,
};
for (const [name, schema] of Object.entries(requestAndResponseBodies)) register(name, schema);

/**
 * The date formats of the query parameters, written with zod/mini (reportQueries.ts), are the
 * record fields' `Date` and `DateTime` (test/openapi/document.test.ts checks that their JSON
 * Schemas are equal), and are referenced as those.
 */
const sameAs = new Map<AnySchema, string>([
  [dateParameter, 'Date'],
  [dateTimeParameter, 'DateTime'],
]);

const componentPath = '#/components/schemas/';

/** Drops zod's safe-integer bounds, which every z.int() carries and say nothing here. */
function tidy({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
}

const options = { io: 'input', unrepresentable: 'throw', override: tidy } as const;

function withoutDialect({ $schema: _dialect, $id: _id, ...schema }: JsonSchema): JsonSchema {
  return schema;
}

export function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, { ...options, uri: (id) => componentPath + id });
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, withoutDialect(schema as JsonSchema)]));
}

/** The component name of a registered schema. */
export function componentNameOf(schema: AnySchema): string | undefined {
  return registry.get(schema)?.id ?? sameAs.get(schema);
}

/** A `$ref` to a named schema; other schemas inline (an optional one as what it wraps). */
export function schemaOf(schema: AnySchema): JsonSchema {
  const name = componentNameOf(schema);
  if (name) return { $ref: componentPath + name };
  if (schema instanceof z.core.$ZodOptional) return schemaOf(schema._zod.def.innerType);
  return withoutDialect(z.toJSONSchema(schema, options) as JsonSchema);
}

/** The named schema, or an error naming what to register. */
export function refOf(schema: AnySchema, what: string): JsonSchema {
  if (!registry.has(schema)) throw new Error(`${what}: its body schema is not registered in functions/api/components.ts`);
  return schemaOf(schema);
}
