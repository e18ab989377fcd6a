/**
 * The Log Analytics engine's edges, against a fake of LogsQueryClient.queryWorkspace: null and absent
 * cells (a LogsTable row holds one value per column descriptor, null when empty,
 * https://learn.microsoft.com/javascript/api/@azure/monitor-query-logs/logstable), a column without a
 * name, a partial error without code or message, and the progress line per query.
 */
import { describe, expect, it } from 'vitest';
import { huntLogAnalytics, type LogsClient } from '../../../core/hunt/loganalytics.ts';
import { recordingSink } from './hunt-fixtures.ts';

type Result = Awaited<ReturnType<LogsClient['queryWorkspace']>>;
const clientOf = (result: Result): LogsClient => ({ queryWorkspace: async () => result });
const range = { start: new Date('2026-10-31T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') };
const rule = { id: 'r-1', text: 'AzureActivity' };
const run = (result: Result, withProgress = false) => {
  const recorded = recordingSink(withProgress);
  const outcome = huntLogAnalytics({ client: clientOf(result), workspace: 'w', rules: [rule], range, timeoutMs: 60_000 }, recorded.sink);
  return outcome.then((o) => ({ ...recorded, outcome: o }));
};

describe('huntLogAnalytics cells', () => {
  it('reads null and missing cells as null, names an unnamed column "", and writes ? for a missing Type or _ItemId', async () => {
    const table = { columnDescriptors: [{ name: 'Type' }, { name: '_ItemId' }, {}], rows: [[null], ['AzureActivity', 'item-1', 'x']] };
    const { matches } = await run({ status: 'Success', tables: [table] });
    expect(matches).toEqual([
      { rules: ['r-1'], where: '?#?', fields: { Type: null, _ItemId: null, '': null } },
      { rules: ['r-1'], where: 'AzureActivity#item-1', fields: { Type: 'AzureActivity', _ItemId: 'item-1', '': 'x' } },
    ]);
  });

  it('says "error: no message" for a partial result whose error has neither code nor message', async () => {
    const { warnings, outcome } = await run({ status: 'PartialFailure', partialTables: [], partialError: {} });
    expect(warnings).toEqual(['loganalytics: query 1/1 (r-1) returned partial results, truncated: error: no message']);
    expect(outcome.incomplete).toBe(1);
  });

  it('draws the query number and rule id on the progress line before each query', async () => {
    const { progress } = await run({ status: 'Success', tables: [] }, true);
    expect(progress).toEqual(['loganalytics: query 1/1 (r-1)']);
  });
});
