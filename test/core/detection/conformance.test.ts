/**
 * Every compiled query is checked by something other than its compiler: for every rule and every corpus
 * event of its log source, the target language's own evaluator (written from the AWS and Google docs)
 * must agree with the rule evaluator; every KQL query must parse and bind against the table schemas.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindRules, compileRule, loadCatalog, TARGETS_FOR_PRODUCT, type CatalogRule } from '../../../core/detection/catalog.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import type { Expr, Scalar } from '../../../core/detection/expr.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { loadRules } from '../../../core/detection/rule-loader.ts';
import type { Target } from '../../../core/detection/rule.ts';
import { compileCloudWatchPattern } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { exampleModel } from '../../helpers/config.ts';
import { corpusFiles, eventBridgeEnvelope } from '../../helpers/corpus.ts';

const model = exampleModel();
const rules: CatalogRule[] = [...loadCatalog(model), ...bindRules(loadRules('test/fixtures/rules'), model)];
const corpus = corpusFiles().flatMap((file) => file.events.map((raw, index) => ({ where: `${file.name}#${index}`, raw, sourced: detectSource(raw) })));

type TargetMatcher = (raw: unknown, normalised: Record<string, unknown>) => boolean;

/** The target language's evaluator over the event as that target receives it. */
function targetMatcher(target: Target, query: string | Record<string, unknown>): TargetMatcher | undefined {
  switch (target) {
    case 'cloudwatch': {
      const predicate = compileCloudWatchPattern(query as string);
      return (raw) => predicate(raw);
    }
    case 'eventbridge':
      return (raw) => matchesEventPattern(query as Record<string, unknown>, eventBridgeEnvelope(raw as Record<string, unknown>));
    case 'gcp': {
      const predicate = compileGcpQuery(query as string);
      return (raw) => predicate(raw);
    }
    case 'kql':
      return undefined;
  }
}

/** Each rule with every target of its cloud it compiles to (listed targets must compile). */
const compiled = rules.flatMap((r) =>
  TARGETS_FOR_PRODUCT[r.rule.logsource.product].flatMap((target) => {
    try {
      return [{ r, target, query: compileRule(r, target) }];
    } catch (error) {
      if (error instanceof CompileError && !r.rule.targets.includes(target)) return [];
      throw error;
    }
  }),
);

describe('catalog', () => {
  it('has at least 30 rules, T1059.009 first', () => {
    const catalog = loadCatalog(model);
    expect(catalog.length).toBeGreaterThanOrEqual(30);
    expect(catalog.filter((r) => r.rule.tags.includes('attack.t1059.009')).length).toBeGreaterThanOrEqual(10);
    for (const product of ['aws', 'azure', 'gcp']) expect(catalog.some((r) => r.rule.logsource.product === product), product).toBe(true);
  });

  it.each(rules.map((r) => [r.rule.id, r] as const))('%s compiles to every target it lists', (_id, r) => {
    expect(r.rule.targets.length, 'a rule must be deployed somewhere').toBeGreaterThan(0);
    for (const target of r.rule.targets) expect(() => compileRule(r, target)).not.toThrow();
  });
});

describe('KQL parses and binds', () => {
  it.each(compiled.filter((c) => c.target === 'kql').map((c) => [c.r.rule.id, c.query] as const))('%s', (_id, query) => {
    expect(checkKql(query as string)).toEqual([]);
  });
});

describe('target evaluators agree with the rule evaluator on the corpus', () => {
  const cases = compiled.filter((c) => c.target !== 'kql');
  it.each(cases.map((c) => [`${c.r.rule.id} -> ${c.target}`, c] as const))('%s', (_name, { r, target, query }) => {
    const matches = targetMatcher(target, query)!;
    const { product, service } = r.rule.logsource;
    const events = corpus.filter((e) => e.sourced?.product === product && e.sourced.service === service);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(matches(e.raw, e.sourced!.event), `${e.where}`).toBe(r.matches(e.sourced!.event));
    }
  });
});

/** Values that make a rule's own matches likely: its values, near misses, and other types. */
function vocabulary(expr: Expr, fields: Map<string, Set<Scalar | null>>): void {
  if (expr.kind === 'match') {
    const set = fields.get(expr.field) ?? new Set<Scalar | null>();
    for (const v of expr.values) {
      const text = String(v);
      // An IP field never holds a CIDR in real logs (and the languages disagree on what that would mean).
      if (expr.op !== 'cidr') set.add(v);
      if (expr.op === 'cidr') {
        const base = text.split('/')[0]!;
        set.add(base);
        set.add(base.replace(/\d+$/, '7'));
      } else {
        set.add(text.toUpperCase());
        set.add(`x${text}`);
        set.add(`${text}x`);
        set.add(text.slice(0, -1));
      }
    }
    set.add('203.0.113.7').add('8.8.8.8').add('not an ip').add(null);
    fields.set(expr.field, set);
  } else if (expr.kind === 'not') vocabulary(expr.item, fields);
  else expr.items.forEach((item) => vocabulary(item, fields));
}

/** Builds a nested event from dotted paths. */
function eventFrom(entries: [string, Scalar | null | undefined][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of entries) {
    if (value === undefined) continue;
    const keys = path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = value;
  }
  return root;
}

describe('target evaluators agree with the rule evaluator on generated events (property)', () => {
  const cases = compiled.filter((c) => c.target !== 'kql');
  it.each(cases.map((c) => [`${c.r.rule.id} -> ${c.target}`, c] as const))('%s', (_name, { r, target, query }) => {
    const matches = targetMatcher(target, query)!;
    const fields = new Map<string, Set<Scalar | null>>();
    vocabulary(r.expr, fields);
    // Only strings: CloudTrail and LogEntry text fields are strings, and CloudWatch has no defined
    // behaviour for a text operand on a number (its evaluator throws rather than guess).
    const arbitraries = [...fields].map(([field, values]) =>
      fc.tuple(fc.constant(field), fc.option(fc.constantFrom(...[...values].filter((v) => v === null || typeof v === 'string')), { nil: undefined })),
    );
    fc.assert(
      fc.property(fc.tuple(...arbitraries), (entries) => {
        const event = eventFrom(entries as [string, Scalar | null | undefined][]);
        expect(matches(event, event)).toBe(r.matches(event));
      }),
      { numRuns: 150 },
    );
  });
});
