/** Rules written inline in tests, loaded and expanded exactly as catalog files are. */
import { stringify } from 'yaml';
import { compileExpr } from '../../core/detection/evaluator.ts';
import { expandRule } from '../../core/detection/expand.ts';
import type { Expr } from '../../core/detection/expr.ts';
import { placeholderValues } from '../../core/detection/placeholders.ts';
import { parseRule } from '../../core/detection/rule-loader.ts';
import type { Rule } from '../../core/detection/rule.ts';
import { exampleModel } from './config.ts';

const values = placeholderValues(exampleModel());

export function inlineRule(
  detection: Record<string, unknown>,
  logsource = { product: 'aws', service: 'cloudtrail' },
  extra: Record<string, unknown> = {},
): Rule {
  const id = typeof extra['id'] === 'string' ? extra['id'] : 'inline-test-rule';
  const doc = {
    id,
    title: 'Inline test rule',
    description: 'A rule written inside a test.',
    level: 'low',
    tags: ['attack.t1059.009'],
    logsource,
    detection,
    ...extra,
  };
  return parseRule(stringify(doc), `${id}.yml`);
}

export function expand(rule: Rule): Expr {
  return expandRule(rule, values);
}

export function matcher(detection: Record<string, unknown>, logsource?: { product: string; service: string }): (event: unknown) => boolean {
  return compileExpr(expand(inlineRule(detection, logsource)));
}
