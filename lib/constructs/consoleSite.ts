/**
 * The staff console on AWS (DESIGN.md §10), served by the API itself so that it shares the API's
 * origin (no CORS, no second origin in the CSP): GET /console and GET /console/{file} go to a
 * small Lambda that answers the built files with the console's security headers
 * (functions/console/headers.ts). The files are built by scripts/buildConsole.ts into the
 * function's asset while it is bundled, so the deployed console is the tested one.
 */
import path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { AuthorizationType, type CfnMethod, LambdaIntegration, type Method } from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { projectRoot } from '../paths.js';
import { handlerEnvironment, type HandlerFunctionContext } from './handlerFunction.js';
import type { IngestApi } from './ingestApi.js';
import { ServiceFunction } from './serviceFunction.js';

/** The console function's short name (alarms, dashboard). */
export const CONSOLE_HANDLER = 'consoleAssets';

export interface ConsoleSiteProps {
  ingestApi: IngestApi;
  functionContext: HandlerFunctionContext;
}

export class ConsoleSite extends Construct {
  readonly assets: ServiceFunction;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const { config, data, removalPolicy } = props.functionContext;
    const api = props.ingestApi.api;
    const requestValidator = props.ingestApi.requestValidator;
    const buildScript = path.join(projectRoot, 'scripts', 'buildConsole.ts');
    this.assets = new ServiceFunction(this, 'Assets', {
      entry: path.join(projectRoot, 'functions', 'console', 'assetHandler.ts'),
      description: `MPA licensing ${config.stage}: staff console static files (${CONSOLE_HANDLER})`,
      memorySize: 256,
      timeout: Duration.seconds(5),
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
      // The variables every function gets (the checks of the stack expect them); no grant uses them.
      environment: handlerEnvironment(config, data),
      logLevel: config.logLevel,
      bundling: {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `cd "${projectRoot}" && node --import tsx "${buildScript}" --out "${path.posix.join(outputDir, 'console')}"`,
          ],
        },
      },
    });

    const integration = new LambdaIntegration(this.assets.function, { proxy: true, allowTestInvoke: false });
    const consoleResource = api.root.addResource('console');
    const fileResource = consoleResource.addResource('{file}');
    const methods = [
      consoleResource.addMethod('GET', integration, { operationName: 'getConsole', authorizationType: AuthorizationType.NONE, requestValidator }),
      fileResource.addMethod('GET', integration, {
        operationName: 'getConsoleFile',
        authorizationType: AuthorizationType.NONE,
        requestValidator,
        requestParameters: { 'method.request.path.file': true },
      }),
    ];
    // As for the API's other resources (ingestApi.ts): with binaryMediaTypes */* a CORS preflight's
    // mock integration must be made text, or it answers 500.
    for (const resource of [consoleResource, fileResource]) {
      const preflight = resource.node.tryFindChild('OPTIONS') as Method | undefined;
      (preflight?.node.defaultChild as CfnMethod | undefined)?.addPropertyOverride('Integration.ContentHandling', 'CONVERT_TO_TEXT');
    }
    for (const method of methods) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The staff console\'s static files (HTML, script, style sheet, icon) are public like any sign-in page: they hold no data, and every API call they make needs a staff key. Their function has no access to any table or bucket.',
      });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: 'Static files of the staff console; the console authenticates to the API with a service-issued staff key (DESIGN.md §3, §10), not Cognito.',
      });
    }
  }
}
