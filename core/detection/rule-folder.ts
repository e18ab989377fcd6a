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
 *
 * Correlations (correlation.ts), in files of their own or beside their base rules in one multi-document
 * file as SigmaHQ writes them, load after the rules: each base rule is looked up by id or Sigma `name`
 * among the folder's rules, and the correlation's group-by and counted fields go through the same
 * pipelines as the base rule's detection (as pySigma maps a correlation's group-by). A correlation whose
 * base rule is missing, did not load, or is itself a correlation is skipped with that reason. A base rule
 * that no loaded correlation generates (Sigma `generate`, default false) runs only inside it and is not in
 * `rules`; when none of its correlations loaded, a note says it runs nowhere.
 */
import { readFileSync } from 'node:fs';
import { normalizeAttackTags } from '../attack/normalize-tags.ts';
import type { GuardrailsModel } from '../config/model.ts';
import { baseRulesOnlyInside, bindRules, type CatalogRule } from './catalog.ts';
import { bindCorrelation, type Correlation } from './correlation.ts';
import { applyPipelines, loadPipelines, type Pipeline } from './pipeline.ts';
import { RuleError } from './rule-error.ts';
import { loadSigmaRules, parseRule, type SkippedRule } from './rule-loader.ts';
import type { Detection, Rule } from './rule.ts';
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
  /** What was changed on the way in (ATT&CK tags mapped to v19), and base rules that run nowhere. */
  readonly notes: RuleNote[];
  /** The correlations that loaded, with their base rules, in file order. */
  readonly correlations: Correlation[];
}

/** Loads every rule under `directory` in bulk mode, through `pipelines` (default: the package's pipelines/). */
export function loadRuleFolder(directory: string, model: GuardrailsModel, pipelines: readonly Pipeline[] = loadPipelines()): RuleFolder {
  const loaded = loadSigmaRules(directory);
  const sigmaRules = loaded.rules;
  const skipped: SkippedFile[] = [...loaded.skipped];
  const rules: CatalogRule[] = [];
  const notes: RuleNote[] = [];
  /** Each Sigma rule that loaded, by id and by name; and why each that did not, by id and by name. */
  const found = new Map<string, { sigma: SigmaRule; rule: CatalogRule }>();
  const failed = new Map<string, string>();
  for (const s of loaded.skipped) for (const key of [s.id, s.name]) if (key !== undefined && !failed.has(key)) failed.set(key, s.reason);
  for (const sigma of sigmaRules) {
    try {
      const rule = withV19Tags(toRule(sigma, pipelines), notes);
      const [bound] = bindRules([rule], model);
      rules.push(bound!);
      for (const key of keysOf(sigma)) if (!found.has(key)) found.set(key, { sigma, rule: bound! });
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      const reason = `${error.where}: ${error.problem}`;
      skipped.push({ file: sigma.file, reason, id: sigma.id, title: sigma.title });
      for (const key of keysOf(sigma)) if (!failed.has(key)) failed.set(key, reason);
    }
  }
  const correlationKeys = new Set(loaded.correlations.flatMap((c) => [c.id, ...(c.name ? [c.name] : [])]));
  const correlations: Correlation[] = [];
  for (const document of loaded.correlations) {
    try {
      correlations.push(
        bindCorrelation(document, (reference) => {
          const base = found.get(reference);
          if (base) return { rule: base.rule, mapField: (field) => mapField(base.sigma, field, pipelines) };
          const reason = failed.get(reference);
          if (reason !== undefined) return `base rule ${reference} did not load: ${reason}`;
          if (correlationKeys.has(reference)) return `${reference} is a correlation; correlations over correlations are not supported`;
          return `no rule in the folder has the id or name ${reference}`;
        }),
      );
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      skipped.push({ file: document.file, reason: `${error.where}: ${error.problem}`, id: document.id, title: document.title });
    }
  }
  // Base rules referenced by a correlation: those no correlation generates run only inside theirs.
  const inside = baseRulesOnlyInside(correlations);
  const referenced = new Set(loaded.correlations.filter((d) => !d.generate).flatMap((d) => d.rules));
  const generated = new Set(correlations.filter((c) => c.generate).flatMap((c) => c.bases.map((b) => b.rule.rule.id)));
  const standalone = rules.filter((r) => {
    if (inside.has(r.rule.id)) return false;
    const sigma = r.rule.sigma;
    const keys = [r.rule.id, ...(sigma?.name ? [sigma.name] : [])];
    if (generated.has(r.rule.id) || !keys.some((k) => referenced.has(k))) return true;
    notes.push({
      file: r.rule.file,
      note: `rule ${r.rule.id} is a base rule of a correlation that did not load (generate: false): it does not run on its own`,
    });
    return false;
  });
  skipped.sort((a, b) => a.file.localeCompare(b.file));
  return { rules: standalone, skipped, notes, correlations };
}

/** How a correlation may refer to a rule: its id, and its Sigma name. */
function keysOf(sigma: SigmaRule): string[] {
  return [sigma.id, ...(sigma.sigma.name ? [sigma.sigma.name] : [])];
}

/**
 * A correlation's field as the base rule's pipelines map it: the field run through the same pipelines as a
 * selection of the base rule (pySigma's field-name transformations apply to a correlation's group-by too).
 * A field a pipeline refuses is refused with the pipeline's reason.
 */
function mapField(sigma: SigmaRule, field: string, pipelines: readonly Pipeline[]): string {
  if (OWN_FORMAT_KEYS.some((key) => key in sigma.sigma.custom)) return field;
  const probe: SigmaRule = { ...sigma, detection: { correlation_field: { [field]: '' }, condition: 'correlation_field' } as Detection };
  const mapped = applyPipelines(probe, pipelines).detection['correlation_field'];
  const key = mapped && typeof mapped === 'object' && !Array.isArray(mapped) ? Object.keys(mapped)[0] : undefined;
  return key ?? field;
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
