/** Correlations built in code for the correlation tests: base rules from generatedRule, documents with defaults. */
import { bindCatalog } from '../../core/detection/catalog.ts';
import type { Correlation, CorrelationDocument, CountCondition, CorrelationType } from '../../core/detection/correlation.ts';
import { generatedRule, type Rule } from '../../core/detection/rule.ts';
import { exampleModel } from './config.ts';

const model = exampleModel();

/** A CloudTrail base rule: any event with this eventName prefix (default: any event). */
export function cloudtrailRule(id: string, prefix = ''): Rule {
  return generatedRule(
    {
      id,
      title: `Base rule ${id}`,
      description: 'A base rule for the correlation tests.',
      level: 'informational',
      tags: ['attack.discovery'],
      logsource: { product: 'aws', service: 'cloudtrail' },
      detection: { sel: prefix ? { 'eventName|startswith|cased': prefix } : { 'eventName|exists': true }, condition: 'sel' },
    },
    'correlation tests',
  );
}

/** A SigninLogs base rule on ResultType. */
export function signinRule(id: string, resultTypes: readonly string[]): Rule {
  return generatedRule(
    {
      id,
      title: `Base rule ${id}`,
      description: 'A base rule for the correlation tests.',
      level: 'informational',
      tags: ['attack.credential_access'],
      logsource: { product: 'azure', service: 'signinlogs' },
      detection: { sel: { ResultType: [...resultTypes] }, condition: 'sel' },
    },
    'correlation tests',
  );
}

export interface Spec {
  readonly type?: CorrelationType;
  readonly rules?: readonly string[];
  readonly groupBy?: readonly string[];
  readonly timespan?: string;
  readonly condition: CountCondition;
  readonly field?: string;
  readonly targets?: CorrelationDocument['targets'];
  readonly id?: string;
}

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** One correlation over `rules`, bound as the catalog binds it. */
export function correlationOver(rules: readonly Rule[], spec: Spec): Correlation {
  const timespan = spec.timespan ?? '5m';
  const document: CorrelationDocument = {
    id: spec.id ?? 'test-correlation',
    title: 'A correlation under test',
    description: 'A correlation for the tests.',
    level: 'high',
    status: 'experimental',
    tags: ['attack.discovery'],
    falsepositives: [],
    references: [],
    targets: spec.targets ?? [],
    file: 'test-correlation.yml',
    type: spec.type ?? 'event_count',
    rules: spec.rules ?? rules.map((r) => r.id),
    groupBy: spec.groupBy ?? ['userIdentity.arn'],
    timespan: { text: timespan, ms: Number(timespan.slice(0, -1)) * UNIT[timespan.slice(-1)]! },
    condition: spec.condition,
    ...(spec.field === undefined ? {} : { field: spec.field }),
    generate: false,
  };
  return bindCatalog(rules, [document], model).correlations[0]!;
}

export const T0 = Date.parse('2025-01-15T09:00:00Z');
export const MIN = 60_000;
export const iso = (t: number) => new Date(t).toISOString();
