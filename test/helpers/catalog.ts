/**
 * The shipped catalog bound to a model, as `loadCatalogWithCorrelations(model)` binds it, read once per
 * worker.
 *
 * Reading detections/ and binding it costs about half a second, and many tests ask for the same model's
 * catalog. Test files in one worker share loaded modules (vitest.config.ts, `isolate: false`), so the rule
 * files are parsed once (per working directory: a rule's `file` is relative to it) and each model is bound
 * once, keyed by its content (modelKey). Everything shared is frozen, so a caller that changed a rule would
 * fail at once instead of changing what the next caller reads.
 */
import type { GuardrailsModel } from '../../core/config/model.ts';
import { bindCatalog, packagedRulesDir, type Catalog, type CatalogRule } from '../../core/detection/catalog.ts';
import type { CorrelationDocument } from '../../core/detection/correlation.ts';
import { loadCorrelationFiles, loadRules } from '../../core/detection/rule-loader.ts';
import type { Rule } from '../../core/detection/rule.ts';
import { deepFreeze, modelKey } from './model-key.ts';

const parsed = new Map<string, { readonly rules: readonly Rule[]; readonly documents: readonly CorrelationDocument[] }>();
const bound = new Map<string, Catalog>();

function packagedFiles(): { readonly rules: readonly Rule[]; readonly documents: readonly CorrelationDocument[] } {
  const cwd = process.cwd();
  let found = parsed.get(cwd);
  if (!found) {
    const directory = packagedRulesDir();
    found = deepFreeze({ rules: loadRules(directory), documents: loadCorrelationFiles(directory) });
    parsed.set(cwd, found);
  }
  return found;
}

/** `loadCatalogWithCorrelations(model)`, shared by every caller in the worker with an equal model (frozen). */
export function catalogOf(model: GuardrailsModel): Catalog {
  const key = `${process.cwd()}\u0000${modelKey(model)}`;
  let found = bound.get(key);
  if (!found) {
    const { rules, documents } = packagedFiles();
    found = deepFreeze(bindCatalog(rules, documents, model));
    bound.set(key, found);
  }
  return found;
}

/** `loadCatalog(model)`: the rules that run on their own, shared and frozen as `catalogOf`'s. */
export function catalogRules(model: GuardrailsModel): CatalogRule[] {
  return catalogOf(model).rules;
}
