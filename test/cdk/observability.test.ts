/**
 * functions/observability: safe in jest (silent, no metrics) and, in a process
 * that looks like Lambda, structured logs with the correlation id, EMF upload metrics with
 * bounded dimensions, and no secrets in the output.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { jest } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, observability, recordUploadMetric, searchPath } from '../../functions/observability/index.js';
import { projectRoot } from '../../lib/paths.js';

describe('in jest / locally', () => {
  test('metrics disabled, logger silent', () => {
    expect(process.env.POWERTOOLS_METRICS_DISABLED).toBe('true');
    expect(logger.getLevelName()).toBe('SILENT');
  });

  test('a handler wrapped with observability() runs and writes nothing to stdout', async () => {
    const write = jest.spyOn(process.stdout, 'write');
    const handler = middy(async () => {
      recordUploadMetric('accepted', 'devices', undefined, 1, 10);
      return { statusCode: 200, body: 'ok' };
    }).use(observability());
    const result = await handler({ requestContext: { requestId: 'r1' } } as never, { functionName: 'f', awsRequestId: 'a' } as Context);
    expect(result).toEqual({ statusCode: 200, body: 'ok' });
    expect(write).not.toHaveBeenCalled();
    expect(metrics.hasStoredMetrics()).toBe(false);
    write.mockRestore();
  });

  test('observability() is logger, metrics; the correlation id can be switched off', () => {
    expect(observability()).toHaveLength(2);
    expect(observability({ correlationIdPath: false })).toHaveLength(2);
  });

  test('searchPath reads dotted paths', () => {
    expect(searchPath('requestContext.requestId', { requestContext: { requestId: 'x' } })).toBe('x');
    expect(searchPath('a.b', { a: null })).toBeUndefined();
  });
});

describe('in Lambda', () => {
  let lines: any[];
  let stdout: string;
  beforeAll(() => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_LAMBDA_FUNCTION_NAME: 'probe', LOG_LEVEL: 'DEBUG' };
    const run = spawnSync('npx', ['tsx', path.join(projectRoot, 'test/cdk/fixtures/emfProbe.ts')], { cwd: projectRoot, env, encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0) throw new Error(`probe failed: ${run.stderr}`);
    stdout = run.stdout + run.stderr;
    lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  }, 90_000);

  test('structured JSON logs with the API Gateway request id as correlation id', () => {
    expect(lines).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'handling', service: 'mpa-licensing', correlation_id: 'api-request-1', function_request_id: 'aws-request-1' }));
  });

  test('one EMF document per upload with service, queryType, outcome (and code when rejected)', () => {
    const emf = lines.filter((l) => l._aws);
    expect(emf).toHaveLength(5);
    expect(emf[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'MpaLicensing', Dimensions: [['service', 'queryType', 'outcome']] }] },
      service: 'mpa-licensing',
      queryType: 'devices',
      outcome: 'accepted',
      Uploads: 1,
      UploadRecords: 12,
      UploadBytes: 3456,
    });
    // Clients cannot mint dimension values: unknown types and codes are folded.
    expect(emf[1]).toMatchObject({ queryType: 'unknown', outcome: 'rejected', code: 'unknown_query_type' });
    expect(emf[2]).toMatchObject({ queryType: 'devices', outcome: 'rejected', code: 'other' });
    // A body refused while it is read (here: too large as sent) counts, with its bytes.
    expect(emf[3]).toMatchObject({ queryType: 'devices', outcome: 'rejected', code: 'payload_too_large', Uploads: 1, UploadBytes: 2048 });
    // Documents never mix: the next one has its own dimensions and metrics only.
    expect(emf[4]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'queryType', 'outcome']]);
    expect(emf[4]).toMatchObject({ queryType: 'devices', outcome: 'duplicate', Uploads: 1, UploadRecords: 12, UploadBytes: 3456 });
    expect(emf[4]).not.toHaveProperty('code');
  });

  test('no warning about empty metrics, and no secret from the request or the response', () => {
    expect(stdout).not.toMatch(/No application metrics/);
    expect(stdout).not.toMatch(/SECRET_REQUEST_KEY|BODY_SECRET|SECRET_RESPONSE_KEY|Authorization/);
  });
});
