/**
 * chooseEngine: js and auto run the streaming evaluator (no plan); duckdb plans every rule and base, a
 * rule DuckDB cannot express becoming a rule error that names --engine js, any other failure left as is.
 */
import { describe, expect, it } from 'vitest';
import { bindRules, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { chooseEngine } from '../../../../core/detection/engines/detect-engine.ts';
import { RuleError } from '../../../../core/detection/rule-error.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { inlineRule } from '../../../helpers/rules.ts';

const rule = (id: string, detection: Record<string, unknown>): CatalogRule => bindRules([inlineRule(detection, undefined, { id })], exampleModel())[0]!;
const plain = rule('test-plain', { selection: { eventName: 'StopLogging' }, condition: 'selection' });
const base = rule('test-base', { selection: { eventName: 'DeleteTrail' }, condition: 'selection' });

describe('chooseEngine', () => {
  it('gives no plan for js and auto, a plan of the rules and bases for duckdb', () => {
    expect(chooseEngine('js', [plain], [base])).toEqual({});
    expect(chooseEngine('auto', [plain], [base])).toEqual({});
    const { plan } = chooseEngine('duckdb', [plain], [base]);
    expect(plan?.columns.map((c) => [c.rule.rule.id, c.reported, c.base])).toEqual([
      ['test-plain', true, false],
      ['test-base', false, true],
    ]);
  });

  it('turns a rule DuckDB cannot compile into a rule error naming --engine js', () => {
    const lookaround = rule('test-lookaround', { selection: { 'eventName|re': '^Stop(?=Logging)' }, condition: 'selection' });
    let error: unknown;
    try {
      chooseEngine('duckdb', [plain, lookaround], []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).message).toBe(
      'test-lookaround: --engine duckdb: regex ^Stop(?=Logging): lookaround assertions are not in RE2; run it with --engine js',
    );
  });

  it('lets any other failure through unchanged', () => {
    const broken = { ...plain, expr: undefined } as unknown as CatalogRule;
    expect(() => chooseEngine('duckdb', [broken], [])).toThrow(TypeError);
  });
});
