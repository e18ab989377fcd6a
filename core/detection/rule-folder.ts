/**
 * A folder of rules a user brings (`--rules DIR`): Sigma rules as SigmaHQ publishes them (nested folders,
 * UUID ids, any file name, every Sigma key kept), rules in this package's own format, or both. Loaded in
 * bulk: a rule that cannot be loaded, mapped by a pipeline or expanded is reported (file, reason) and
 * skipped, and the rest load. The package's own catalog is not read this way: `loadCatalog` stays all or
 * nothing, with ids equal to file names (rule-loader.ts).
 *
 * Each file goes one of two ways:
 *   - a rule in this package's format (it passes `parseRule`) keeps its targets and CIS text as written;
 *   - anything else is a Sigma rule: `loadSigmaRules` -> processing pipelines (pipeline.ts: log-source
 *     and field-name mapping) -> `Rule`. A file with a key only this package's format has (`targets`,
 *     `cisPattern`) is not guessed at: if it fails `parseRule`, that failure is the reason it is skipped.
 * ATT&CK tags in v18 ids are mapped to v19 (core/attack/normalize-tags.ts), with a note per mapped tag.
 */
import { readFileSync } from 'node:fs';
import { normalizeAttackTags } from '../attack/normalize-tags.ts';
import type { GuardrailsModel } from '../config/model.ts';
import { bindRules, type CatalogRule } from './catalog.ts';
import { applyPipelines, loadPipelines, type Pipeline } from './pipeline.ts';
import { RuleError } from './rule-error.ts';
import { loadSigmaRules, parseRule, type SkippedRule } from './rule-loader.ts';
import type { Rule } from './rule.ts';
import type { SigmaRule } from './sigma-rule.ts';

/** Keys only this package's rule format has: a file with one of them is read as such a rule, never as Sigma. */
const OWN_FORMAT_KEYS = ['targets', 'cisPattern'] as const;

export interface RuleNote {
  readonly file: string;
  readonly note: string;
}

/** A file that did not load; `id` and `title` when the file was read that far. */
export interface SkippedFile extends SkippedRule {
  readonly id?: string;
  readonly title?: string;
}

export interface RuleFolder {
  /** The rules that loaded, bound to the model, in file order. */
  readonly rules: CatalogRule[];
  /** Files that did not load, each with a one-line reason. */
  readonly skipped: SkippedFile[];
  /** What was changed on the way in (ATT&CK tags mapped to v19). */
  readonly notes: RuleNote[];
}

/** Loads every rule under `directory` in bulk mode, through `pipelines` (default: the package's pipelines/). */
export function loadRuleFolder(directory: string, model: GuardrailsModel, pipelines: readonly Pipeline[] = loadPipelines()): RuleFolder {
  const loaded = loadSigmaRules(directory);
  const sigmaRules = loaded.rules;
  const skipped: SkippedFile[] = [...loaded.skipped];
  const rules: CatalogRule[] = [];
  const notes: RuleNote[] = [];
  for (const sigma of sigmaRules) {
    try {
      const rule = withV19Tags(toRule(sigma, pipelines), notes);
      rules.push(...bindRules([rule], model));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      skipped.push({ file: sigma.file, reason: `${error.where}: ${error.problem}`, id: sigma.id, title: sigma.title });
    }
  }
  skipped.sort((a, b) => a.file.localeCompare(b.file));
  return { rules, skipped, notes };
}

function toRule(sigma: SigmaRule, pipelines: readonly Pipeline[]): Rule {
  if (OWN_FORMAT_KEYS.some((key) => key in sigma.sigma.custom)) return parseRule(readFileSync(sigma.file, 'utf8'), sigma.file);
  return applyPipelines(sigma, pipelines);
}

function withV19Tags(rule: Rule, notes: RuleNote[]): Rule {
  const normalized = normalizeAttackTags(rule.tags);
  for (const note of normalized.notes) notes.push({ file: rule.file, note });
  return normalized.notes.length ? { ...rule, tags: normalized.tags } : rule;
}
