/**
 * Correlations that list gcp in the GCP program's offline plan: a log-based counter metric with the
 * principal extracted as a label, and an alert policy whose threshold condition sums it per label over
 * the timespan (compilers/gcp-correlation.ts); nothing for correlations of other clouds.
 */
import { describe, expect, it } from 'vitest';
import { compileMetricCorrelation, loadCatalogWithCorrelations } from '../../../core/detection/catalog.ts';
import { gcpCorrelationAlerts, gcpProgram } from '../../../stacks/gcp/program.ts';
import { inputsOfType, planProgram } from '../../helpers/pulumi-plan.ts';
import { exampleModel } from '../../helpers/config.ts';

const model = exampleModel();
const planned = await planProgram(gcpProgram, model);
const { correlations } = loadCatalogWithCorrelations(model);
const bulk = correlations.find((c) => c.id === 'gcp-bulk-secret-access')!;

describe('the GCP correlation alerts', () => {
  it('are the correlations that list gcp', () => {
    expect(gcpCorrelationAlerts(correlations).map((c) => c.id)).toEqual(['gcp-bulk-secret-access']);
  });

  it('count the base rule in a log-based metric labelled with the principal', () => {
    const metrics = inputsOfType(planned, 'logging/metric:Metric');
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({
      project: model.gcp!.logProjectId,
      name: 'gcp-bulk-secret-access',
      filter: compileMetricCorrelation(bulk, 'gcp').filter,
      labelExtractors: { principal_email: 'EXTRACT(protoPayload.authenticationInfo.principalEmail)' },
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        unit: '1',
        labels: [{ key: 'principal_email', valueType: 'STRING', description: "The entry's protoPayload.authenticationInfo.principalEmail" }],
      },
    });
  });

  it('alert per principal on the sum over ten minutes, above 19', () => {
    const policies = inputsOfType(planned, ':AlertPolicy').filter(
      (p) => (p['userLabels'] as Record<string, string>)['guardrails_rule'] === 'gcp-bulk-secret-access',
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ severity: 'ERROR', combiner: 'OR', alertStrategy: { autoClose: '1800s' } });
    expect(policies[0]!['conditions']).toEqual([
      {
        displayName: bulk.title,
        conditionThreshold: {
          filter: 'metric.type="logging.googleapis.com/user/gcp-bulk-secret-access"',
          aggregations: [
            { alignmentPeriod: '600s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['metric.label.principal_email'] },
          ],
          comparison: 'COMPARISON_GT',
          thresholdValue: 19,
          duration: '0s',
          trigger: { count: 1 },
        },
      },
    ]);
    // A log-match condition would be one page per entry: none for the correlation.
    expect(JSON.stringify(policies[0])).not.toContain('conditionMatchedLog');
  });
});
