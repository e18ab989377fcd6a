/**
 * chooseEngine: js and auto run the streaming evaluator (no plan); duckdb plans every rule and base, a
 * rule DuckDB cannot express becoming a rule error that names --engine js, any other failure left as is.
 */
import { describe, expect, it } from 'vitest';
import { bindRules, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { chooseEngine, MAX_WORKERS, PARALLEL_MIN_BYTES, workersFor } from '../../../../core/detection/engines/detect-engine.ts';
import { RuleError } from '../../../../core/detection/rule-error.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { inlineRule } from '../../../helpers/rules.ts';

const rule = (id: string, detection: Record<string, unknown>): CatalogRule => bindRules([inlineRule(detection, undefined, { id })], exampleModel())[0]!;
const plain = rule('test-plain', { selection: { eventName: 'StopLogging' }, condition: 'selection' });
const base = rule('test-base', { selection: { eventName: 'DeleteTrail' }, condition: 'selection' });
const small = { inputBytes: 0, cores: 2 };

describe('chooseEngine', () => {
  it('gives no plan for js and auto, a plan of the rules and bases for duckdb', () => {
    expect(chooseEngine('js', [plain], [base], small)).toEqual({ workers: 1 });
    expect(chooseEngine('auto', [plain], [base], small)).toEqual({ workers: 1 });
    const { plan, workers } = chooseEngine('duckdb', [plain], [base], small);
    expect(workers).toBe(1);
    expect(plan?.columns.map((c) => [c.rule.rule.id, c.reported, c.base])).toEqual([
      ['test-plain', true, false],
      ['test-base', false, true],
    ]);
  });

  it('turns a rule DuckDB cannot compile into a rule error naming --engine js', () => {
    const lookaround = rule('test-lookaround', { selection: { 'eventName|re': '^Stop(?=Logging)' }, condition: 'selection' });
    let error: unknown;
    try {
      chooseEngine('duckdb', [plain, lookaround], [], small);
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
    expect(() => chooseEngine('duckdb', [broken], [], small)).toThrow(TypeError);
  });
});

describe('workersFor: how many worker threads the js engine runs', () => {
  it('runs on the main thread alone below PARALLEL_MIN_BYTES of input, or on one core', () => {
    expect(workersFor({ inputBytes: PARALLEL_MIN_BYTES - 1, cores: 8 })).toBe(1);
    expect(workersFor({ inputBytes: 0, cores: 2 })).toBe(1);
    expect(workersFor({ inputBytes: PARALLEL_MIN_BYTES * 10, cores: 1 })).toBe(1);
  });

  it('runs a worker per core from PARALLEL_MIN_BYTES on, at most MAX_WORKERS', () => {
    expect(workersFor({ inputBytes: PARALLEL_MIN_BYTES, cores: 2 })).toBe(2);
    expect(workersFor({ inputBytes: PARALLEL_MIN_BYTES, cores: 3 })).toBe(3);
    expect(workersFor({ inputBytes: PARALLEL_MIN_BYTES, cores: 64 })).toBe(MAX_WORKERS);
  });

  it('takes --workers as given, whatever the input and cores', () => {
    expect(workersFor({ workers: 1, inputBytes: PARALLEL_MIN_BYTES * 10, cores: 8 })).toBe(1);
    expect(workersFor({ workers: 3, inputBytes: 0, cores: 1 })).toBe(3);
  });

  it('passes the workers on for js and auto', () => {
    expect(chooseEngine('js', [plain], [base], { inputBytes: PARALLEL_MIN_BYTES, cores: 2 })).toEqual({ workers: 2 });
    expect(chooseEngine('auto', [plain], [base], { workers: 3, inputBytes: 0 })).toEqual({ workers: 3 });
  });
});
