/**
 * `guardrails rules`: every rule compiled to the targets of its cloud (or one --target), so a user can
 * paste a query into a console. A rule a target cannot express prints its compile error instead.
 */
import { compileRule, TARGETS_FOR_PRODUCT, type CatalogRule } from '../detection/catalog.ts';
import { CompileError } from '../detection/compilers/compile-error.ts';
import type { Product, Target } from '../detection/rule.ts';

export function printRules(rules: readonly CatalogRule[], options: { cloud?: Product; target?: Target; out: NodeJS.WritableStream }): number {
  let failures = 0;
  for (const r of rules) {
    const { product } = r.rule.logsource;
    if (options.cloud && product !== options.cloud) continue;
    const targets = TARGETS_FOR_PRODUCT[product].filter((t) => !options.target || t === options.target);
    for (const target of targets) {
      const deployed = r.rule.targets.includes(target) ? 'deployed' : 'not deployed';
      options.out.write(`# ${r.rule.id} -> ${target} (${deployed}): ${r.rule.title}\n`);
      try {
        const query = compileRule(r, target);
        options.out.write(`${typeof query === 'string' ? query : JSON.stringify(query, null, 2)}\n\n`);
      } catch (error) {
        if (!(error instanceof CompileError)) throw error;
        if (r.rule.targets.includes(target)) failures++;
        options.out.write(`# ${error.message}\n\n`);
      }
    }
  }
  return failures;
}
