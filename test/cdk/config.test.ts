/** Deployment configuration: precedence, parsing and validation (lib/config.ts). */
import { App } from 'aws-cdk-lib';
import { configEnvName, defaultConfig, loadConfig, parseConfig } from '../../lib/config.js';
import { cdkJson } from './support/synth.js';

describe('parseConfig', () => {
  test('defaults are production-grade', () => {
    const config = parseConfig('prod', {});
    expect(config).toMatchObject({
      stage: 'prod',
      logRetentionDays: 365,
      deletionProtection: true,
      waf: true,
      authorizerCacheTtlSeconds: 60,
      uploadReservedConcurrency: 20,
      allowedOrigins: [],
      alarmEmail: undefined,
    });
  });

  test('parses the strings that -c key=value gives', () => {
    const config = parseConfig('prod', {
      logRetentionDays: '90',
      deletionProtection: 'false',
      allowedOrigins: 'https://a.example.com, https://b.example.com:8443',
      uploadReservedConcurrency: '0',
      logLevel: 'warn',
    });
    expect(config).toMatchObject({
      logRetentionDays: 90,
      deletionProtection: false,
      allowedOrigins: ['https://a.example.com', 'https://b.example.com:8443'],
      uploadReservedConcurrency: 0,
      logLevel: 'WARN',
    });
  });

  test.each([
    ['stage', 'Prod!'],
    ['logRetentionDays', '42'],
    ['deletionProtection', 'yes'],
    ['allowedOrigins', '*'],
    ['allowedOrigins', 'https://a.example.com/path'],
    ['authorizerCacheTtlSeconds', '7200'],
    ['alarmEmail', 'not-an-address'],
    ['throttleRateLimit', '1.5'],
    ['logLevel', 'TRACE'],
    ['rawGlacierIrAfterDays', '10'],
  ])('rejects %s=%s', (key, value) => {
    expect(() => (key === 'stage' ? parseConfig(value, {}) : parseConfig('prod', { [key]: value }))).toThrow(/Invalid configuration/);
  });

  test("the upload routes' burst stays within their functions' reserved concurrency (a Lambda throttle answers 500)", () => {
    expect(parseConfig('prod', {})).toMatchObject({ uploadBurstLimit: 20, uploadReservedConcurrency: 20 });
    expect(() => parseConfig('prod', { uploadBurstLimit: '21' })).toThrow(/uploadBurstLimit=21: expected at most uploadReservedConcurrency \(20\)/);
    expect(parseConfig('prod', { uploadBurstLimit: '40', uploadReservedConcurrency: '40' }).uploadBurstLimit).toBe(40);
    // No reservation: the account's pool, which the stage-wide limits guard.
    expect(parseConfig('prod', { uploadBurstLimit: '100', uploadReservedConcurrency: '0' }).uploadBurstLimit).toBe(100);
  });
});

describe('loadConfig precedence: -c context > MPA_* env > cdk.json stage block > defaults', () => {
  const appWith = (context: Record<string, unknown>) => new App({ context: { ...cdkJson.context, ...context } });

  test('stage block of cdk.json applies', () => {
    expect(loadConfig(appWith({ stage: 'dev' }), {})).toMatchObject({ stage: 'dev', logRetentionDays: 30, deletionProtection: false, waf: false });
  });

  test('environment overrides the stage block, context overrides the environment', () => {
    const env = { [configEnvName('logRetentionDays')]: '60', MPA_ALARM_EMAIL: 'ops@example.com' };
    expect(configEnvName('logRetentionDays')).toBe('MPA_LOG_RETENTION_DAYS');
    expect(loadConfig(appWith({ stage: 'dev' }), env)).toMatchObject({ logRetentionDays: 60, alarmEmail: 'ops@example.com' });
    expect(loadConfig(appWith({ stage: 'dev', logRetentionDays: '14' }), env)).toMatchObject({ logRetentionDays: 14 });
  });

  test('without a stage: dev; an unknown stage gets the defaults', () => {
    expect(loadConfig(new App(), {}).stage).toBe('dev');
    expect(loadConfig(appWith({ stage: 'staging' }), {})).toMatchObject({ stage: 'staging', ...defaultConfig });
  });
});
