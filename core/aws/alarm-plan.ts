/**
 * What the AWS alarm pipeline deploys, compiled from the catalog (rules listing cloudwatch or
 * eventbridge), the shadow rules of report-mode SCPs, and the self-protection rules, before anything
 * is synthesised.
 */
import type { GuardrailsModel } from '../config/model.ts';
import { compileForDeployment, type CatalogRule } from '../detection/catalog.ts';
import { perimeterShadowRules } from './shadow-rules.ts';
import { selfProtectionRules } from './self-protection-rules.ts';

export interface MetricRulePlan {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly pattern: string;
  /** 'cis' when the pattern is the rule's verbatim CIS text, 'compiled' when compiled from its detection. */
  readonly patternSource: 'cis' | 'compiled';
}

export interface RealtimeRulePlan {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly pattern: Record<string, unknown>;
}

export interface AlarmPlan {
  readonly metric: readonly MetricRulePlan[];
  readonly realtime: readonly RealtimeRulePlan[];
  readonly notes: readonly string[];
}

export function planAlarms(model: GuardrailsModel, catalog: readonly CatalogRule[]): AlarmPlan {
  const aws = catalog.filter((r) => r.rule.logsource.product === 'aws');
  const shadow = perimeterShadowRules(model);
  const compile = <T>(r: CatalogRule, target: 'cloudwatch' | 'eventbridge'): T => compileForDeployment(r, target) as T;
  const describe = (r: CatalogRule) => ({ id: r.rule.id, title: r.rule.title, level: r.rule.level });
  const metric = aws
    .filter((r) => r.rule.targets.includes('cloudwatch'))
    .map((r) => {
      // Compiled either way, so a rule whose detection cannot be expressed still fails here.
      const compiled = compile<string>(r, 'cloudwatch');
      return r.rule.cisPattern
        ? { ...describe(r), pattern: r.rule.cisPattern, patternSource: 'cis' as const }
        : { ...describe(r), pattern: compiled, patternSource: 'compiled' as const };
    });
  const realtimeRules = [...aws.filter((r) => r.rule.targets.includes('eventbridge')), ...shadow.rules, ...selfProtectionRules(model)];
  const realtime = realtimeRules.map((r) => ({ ...describe(r), pattern: compile<Record<string, unknown>>(r, 'eventbridge') }));
  return { metric, realtime, notes: shadow.notes };
}
