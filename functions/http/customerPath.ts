/**
 * The path parameters of the customer routes, validated before they reach storage: an over-long
 * or malformed id is a 400 problem naming the parameter, never a 500 or a key DynamoDB refuses.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { entitlementId } from '../domain/entitlements.js';
import { customerId } from '../domain/installs.js';
import { parseRequest } from './parseRequest.js';

const customerPath = z.object({ customerId });
const entitlementPath = z.object({ customerId, entitlementId });

/** `{customerId}` of the path. */
export function customerOfPath(event: APIGatewayProxyEvent): string {
  return parseRequest(customerPath, { customerId: event.pathParameters?.customerId }).customerId;
}

/** `{customerId}` and `{entitlementId}` of the path. */
export function entitlementOfPath(event: APIGatewayProxyEvent): { customerId: string; entitlementId: string } {
  return parseRequest(entitlementPath, { customerId: event.pathParameters?.customerId, entitlementId: event.pathParameters?.entitlementId });
}
