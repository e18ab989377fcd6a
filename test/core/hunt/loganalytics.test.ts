/**
 * The Log Analytics engine against a hand-written fake of LogsQueryClient.queryWorkspace (the documented
 * method and result shapes): one query per rule with the window as timespan, the server timeout capped
 * at the API's 10 minutes, partial results, the row limit, failure and missing credentials.
 */
import { describe, expect, it } from 'vitest';
import { compileRule } from '../../../core/detection/catalog.ts';
import type { CompiledRule } from '../../../core/hunt/compile.ts';
import { huntLogAnalytics, LOG_ANALYTICS_MAX_ROWS, logAnalyticsQuery, type LogsClient } from '../../../core/hunt/loganalytics.ts';
import { HuntSetupError } from '../../../core/hunt/setup-error.ts';
import { azureRules, recordingSink } from './hunt-fixtures.ts';

type Result = Awaited<ReturnType<LogsClient['queryWorkspace']>>;

function fakeLogs(answer: (query: string) => Result | Error) {
  const calls: Parameters<LogsClient['queryWorkspace']>[] = [];
  const client: LogsClient = {
    async queryWorkspace(...args) {
      calls.push(args);
      const result = answer(args[1]);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { client, calls };
}

const range = { start: new Date('2026-10-31T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') };
const rules: CompiledRule[] = azureRules().map((r) => ({ id: r.rule.id, text: String(compileRule(r, 'kql')) }));
const columns = [{ name: 'TimeGenerated' }, { name: '_ItemId' }, { name: 'Type' }];
const table = (rows: unknown[][]) => ({ name: 'PrimaryResult', columnDescriptors: columns, rows });
const WORKSPACE = '00000000-0000-4000-8000-00000000000a';

describe('huntLogAnalytics', () => {
  it("runs each rule's KQL with the window as timespan and the timeout as server timeout, and reads its rows", async () => {
    const { client, calls } = fakeLogs(() => ({ status: 'Success', tables: [table([[new Date('2026-11-01T10:00:00Z'), 'item-1', 'AzureActivity']])] }));
    const { sink, matches, warnings } = recordingSink();
    const outcome = await huntLogAnalytics({ client, workspace: WORKSPACE, rules, range, timeoutMs: 120_000 }, sink);
    expect(calls).toEqual([[WORKSPACE, logAnalyticsQuery(rules[0]!), { startTime: range.start, endTime: range.end }, { serverTimeoutInSeconds: 120 }]]);
    expect(calls[0]![1]).toMatch(/^AzureActivity\n\| where .*\n\| project TimeGenerated, _ItemId, Type$/s);
    expect(matches).toEqual([
      {
        rules: ['hunt-list-keys'],
        where: 'AzureActivity#item-1',
        fields: { TimeGenerated: '2026-11-01T10:00:00.000Z', _ItemId: 'item-1', Type: 'AzureActivity' },
      },
    ]);
    expect(outcome).toEqual({ queries: 1, incomplete: 0 });
    expect(warnings).toEqual([]);
  });

  it('caps the server timeout at the 10 minutes the API allows', async () => {
    const { client, calls } = fakeLogs(() => ({ status: 'Success', tables: [] }));
    await huntLogAnalytics({ client, workspace: WORKSPACE, rules, range, timeoutMs: 3_600_000 }, recordingSink().sink);
    expect(calls[0]![3]).toEqual({ serverTimeoutInSeconds: 600 });
  });

  it('prints a partial result and says it is truncated', async () => {
    const { client } = fakeLogs(() => ({
      status: 'PartialFailure',
      partialTables: [table([['2026-11-01T10:00:00Z', 'item-1', 'AzureActivity']])],
      partialError: { code: 'PartialError', message: 'Query result set has exceeded the internal data size limit' },
    }));
    const { sink, matches, warnings } = recordingSink();
    const outcome = await huntLogAnalytics({ client, workspace: WORKSPACE, rules, range, timeoutMs: 60_000 }, sink);
    expect(matches).toHaveLength(1);
    expect(outcome.incomplete).toBe(1);
    expect(warnings).toEqual([
      'loganalytics: query 1/1 (hunt-list-keys) returned partial results, truncated: PartialError: Query result set has exceeded the internal data size limit',
    ]);
  });

  it('says the results are truncated when they reach the row limit, not one row before', async () => {
    const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => ['2026-11-01T10:00:00Z', `item-${i}`, 'AzureActivity']);
    // The Query API's documented limit; a smaller one here keeps the test fast.
    expect(LOG_ANALYTICS_MAX_ROWS).toBe(500_000);
    for (const [n, incomplete] of [
      [99, 0],
      [100, 1],
    ] as const) {
      const { client } = fakeLogs(() => ({ status: 'Success', tables: [table(rowsOf(n))] }));
      const { sink, warnings, matches } = recordingSink();
      const outcome = await huntLogAnalytics({ client, workspace: WORKSPACE, rules, range, timeoutMs: 60_000, maxRows: 100 }, sink);
      expect(matches).toHaveLength(n);
      expect(outcome.incomplete).toBe(incomplete);
      expect(warnings).toEqual(
        incomplete
          ? ["loganalytics: query 1/1 (hunt-list-keys) returned 100 rows, the Query API's limit: the results are truncated; narrow --since/--until"]
          : [],
      );
    }
  });

  it('reports a failed query (a server timeout) and goes on with the next rule', async () => {
    const two = [rules[0]!, { id: 'second-rule', text: 'SigninLogs\n| where ResultType == "50126"' }];
    const { client, calls } = fakeLogs((query) =>
      query.startsWith('AzureActivity') ? Object.assign(new Error('Gateway timeout\nmore'), { name: 'RestError' }) : { status: 'Success', tables: [table([])] },
    );
    const { sink, warnings } = recordingSink();
    const outcome = await huntLogAnalytics({ client, workspace: WORKSPACE, rules: two, range, timeoutMs: 60_000 }, sink);
    expect(calls).toHaveLength(2);
    expect(outcome).toEqual({ queries: 2, incomplete: 1 });
    expect(warnings).toEqual(['loganalytics: query 1/2 (hunt-list-keys) failed: Gateway timeout']);
  });

  it('turns DefaultAzureCredential finding nothing into a HuntSetupError', async () => {
    const { client } = fakeLogs(() =>
      Object.assign(new Error('DefaultAzureCredential failed to retrieve a token from the included credentials.\nEnvironmentCredential is unavailable.'), {
        name: 'AggregateAuthenticationError',
      }),
    );
    const error = await huntLogAnalytics({ client, workspace: WORKSPACE, rules, range, timeoutMs: 60_000 }, recordingSink().sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HuntSetupError);
    expect((error as Error).message).toBe(
      'no Azure credentials (DefaultAzureCredential: DefaultAzureCredential failed to retrieve a token from the included credentials.): run az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a managed identity)',
    );
  });
});
