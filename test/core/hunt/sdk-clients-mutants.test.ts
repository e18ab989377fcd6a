/**
 * The engines' real SDK clients, built offline (no call is sent): the Athena client needs a region,
 * from AWS_REGION or the shared config file (https://docs.aws.amazon.com/sdk-for-javascript/latest/developer-guide/setting-region.html),
 * and without one the hunt stops with one line saying what to set; BigQuery is built for --project;
 * Log Analytics with DefaultAzureCredential.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HuntSetupError } from '../../../core/hunt/setup-error.ts';
import { SDK_CLIENTS } from '../../../core/hunt/sdk-clients.ts';

const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'] as const;
const saved = Object.fromEntries(REGION_VARIABLES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of REGION_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
/** Region settings only from the environment given: the shared files point nowhere. */
function regionEnvironment(region: string | undefined) {
  for (const name of REGION_VARIABLES) delete process.env[name];
  process.env['AWS_CONFIG_FILE'] = 'guardrails-test-no-such-config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = 'guardrails-test-no-such-credentials';
  if (region) process.env['AWS_REGION'] = region;
}

describe('SDK_CLIENTS', () => {
  it('builds the Athena client in AWS_REGION, with the SDK whose commands the engine sends', async () => {
    regionEnvironment('eu-west-1');
    const { client, sdk } = await SDK_CLIENTS.athena();
    expect(await (client as unknown as { config: { region: () => Promise<string> } }).config.region()).toBe('eu-west-1');
    expect(typeof sdk.StartQueryExecutionCommand).toBe('function');
    expect(typeof client.send).toBe('function');
  });

  it('stops with one line naming AWS_REGION when no region is set anywhere', async () => {
    regionEnvironment(undefined);
    const error = await SDK_CLIENTS.athena().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HuntSetupError);
    expect((error as Error).message).toBe('no AWS region: set AWS_REGION (or the region of your AWS_PROFILE) to the region of the Athena workgroup');
  });

  it('builds the BigQuery client for the project given', async () => {
    const client = (await SDK_CLIENTS.bigquery('log-project')) as unknown as { projectId: string; createQueryJob: unknown };
    expect(client.projectId).toBe('log-project');
    expect(typeof client.createQueryJob).toBe('function');
  });

  it('builds the Log Analytics client', async () => {
    const client = await SDK_CLIENTS.loganalytics();
    expect(typeof client.queryWorkspace).toBe('function');
  });
});
