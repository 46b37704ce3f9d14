/**
 * Rate limiting on AWS (docs/reliability.md): API Gateway stage and method throttles answer
 * `429 throttled` with Retry-After through the THROTTLED gateway response; the WAF web ACL
 * limits each API key (requests aggregated by their Authorization header) and each IP, and
 * answers `429` with Retry-After and a problem body. Checked on the construct's own rule list
 * (fast); test/cdk/stack.test.ts checks the synthesized template.
 */
import { defaultConfig, parseConfig } from '../../lib/config.js';
import { gatewayProblems, THROTTLED_BODY_KEY, WAF_RETRY_AFTER_SECONDS, webAclRules } from '../../lib/constructs/ingestApi.js';

const config = parseConfig('prod', {});

describe('WAF rate rules', () => {
  const rules = webAclRules(config);
  const byName = new Map(rules.map((r) => [r.name, r]));

  it('limit each API key by its Authorization header, before the per-IP limit and the managed rules', () => {
    expect(rules.map((r) => [r.name, r.priority])).toEqual([
      ['per-key-rate-limit', 0],
      ['per-ip-rate-limit', 1],
      ['AWSManagedRulesAmazonIpReputationList', 2],
      ['AWSManagedRulesKnownBadInputsRuleSet', 3],
    ]);
    expect(byName.get('per-key-rate-limit')!.statement).toEqual({
      rateBasedStatement: {
        limit: defaultConfig.wafRateLimitPerKeyPer5Min,
        evaluationWindowSec: 300,
        aggregateKeyType: 'CUSTOM_KEYS',
        customKeys: [{ header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
      },
    });
    expect(byName.get('per-ip-rate-limit')!.statement).toMatchObject({ rateBasedStatement: { aggregateKeyType: 'IP', limit: defaultConfig.wafRateLimitPer5Min } });
  });

  it.each(['per-key-rate-limit', 'per-ip-rate-limit'])('%s answers 429 with Retry-After and the throttled problem', (name) => {
    expect(byName.get(name)!.action).toEqual({
      block: { customResponse: { responseCode: 429, customResponseBodyKey: THROTTLED_BODY_KEY, responseHeaders: [{ name: 'Retry-After', value: String(WAF_RETRY_AFTER_SECONDS) }] } },
    });
  });

  it('takes its limits from the configuration', () => {
    const custom = parseConfig('prod', { wafRateLimitPerKeyPer5Min: '300', wafRateLimitPer5Min: '900' });
    const [perKey, perIp] = webAclRules(custom);
    expect(perKey!.statement).toMatchObject({ rateBasedStatement: { limit: 300 } });
    expect(perIp!.statement).toMatchObject({ rateBasedStatement: { limit: 900 } });
    expect(() => parseConfig('prod', { wafRateLimitPerKeyPer5Min: '5' })).toThrow(/wafRateLimitPerKeyPer5Min/);
  });
});

it("API Gateway's own throttling answers 429 throttled", () => {
  expect(gatewayProblems.filter((p) => p.status === 429).map((p) => [p.type.responseType, p.code])).toEqual([
    ['THROTTLED', 'throttled'],
    ['QUOTA_EXCEEDED', 'throttled'],
  ]);
});
