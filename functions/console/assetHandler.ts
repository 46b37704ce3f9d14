/**
 * The Lambda behind GET /console and GET /console/{file} of the API on AWS: the console's built
 * files, which the CDK bundling copies next to this module (lib/constructs/consoleSite.ts).
 * Public (the files hold no data; every API call they make needs a staff key).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { join } from 'node:path';
import { consoleAsset } from './assets.js';

const distDir = process.env.CONSOLE_ASSETS_DIR ?? join(process.env.LAMBDA_TASK_ROOT ?? '.', 'console');

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const file = event.pathParameters?.file;
  const rest = file !== undefined ? `/${file}` : event.resource.endsWith('/') || event.path.endsWith('/') ? '/' : '';
  const answer = await consoleAsset(rest, distDir);
  return { statusCode: answer.statusCode, headers: answer.headers, body: answer.body.toString('utf8'), isBase64Encoded: false };
}
