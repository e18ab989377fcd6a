/**
 * The hunt engines' clients as the SDKs build them, each with its SDK's default credential chain: the
 * AWS default provider chain, Google Application Default Credentials, Azure DefaultAzureCredential.
 * Nothing is stored. The SDKs are optional peer dependencies: each is imported here, lazily, when its
 * engine runs, and a missing one is one line naming the package (loadSdk). This file is the one place
 * core/ loads a cloud SDK; the engines type the small part they use themselves, so tests pass mocks.
 */
import type { AthenaHuntOptions } from './athena.ts';
import type { BigQueryClient } from './bigquery.ts';
import type { LogsClient } from './loganalytics.ts';
import { HuntSetupError, loadSdk } from './setup-error.ts';

/** Builds each engine's client; `guardrails hunt` takes another in tests. */
export interface HuntClients {
  readonly athena: () => Promise<Pick<AthenaHuntOptions, 'client' | 'sdk'>>;
  readonly bigquery: (project: string) => Promise<BigQueryClient>;
  readonly loganalytics: () => Promise<LogsClient>;
}

export const SDK_CLIENTS: HuntClients = {
  athena: async () => {
    // biome-ignore lint/style/noRestrictedImports: the optional Athena SDK, loaded only when `hunt --engine athena` runs.
    const sdk = await loadSdk('@aws-sdk/client-athena', 'athena', () => import('@aws-sdk/client-athena'));
    const client = new sdk.AthenaClient({});
    try {
      await client.config.region();
    } catch {
      throw new HuntSetupError('no AWS region: set AWS_REGION (or the region of your AWS_PROFILE) to the region of the Athena workgroup');
    }
    return { client, sdk };
  },
  bigquery: async (project) => {
    // biome-ignore lint/style/noRestrictedImports: the optional BigQuery SDK, loaded only when `hunt --engine bigquery` runs.
    const { BigQuery } = await loadSdk('@google-cloud/bigquery', 'bigquery', () => import('@google-cloud/bigquery'));
    return new BigQuery({ projectId: project });
  },
  loganalytics: async () => {
    // biome-ignore lint/style/noRestrictedImports: the optional Log Analytics SDK, loaded only when `hunt --engine loganalytics` runs.
    const { LogsQueryClient } = await loadSdk('@azure/monitor-query-logs', 'loganalytics', () => import('@azure/monitor-query-logs'));
    // biome-ignore lint/style/noRestrictedImports: its credential chain, loaded with it.
    const { DefaultAzureCredential } = await loadSdk('@azure/identity', 'loganalytics', () => import('@azure/identity'));
    return new LogsQueryClient(new DefaultAzureCredential());
  },
};
