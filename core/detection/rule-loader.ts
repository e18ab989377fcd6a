/**
 * Reads rule files, in two modes (the types and how they meet are in rule.ts and sigma-rule.ts):
 *
 * - The kit's catalog, `loadRules` / `parseRule`: strict and all-or-nothing. A malformed rule is one line
 *   naming the file, the YAML path (with its line) and what is wrong, and nothing loads.
 * - SigmaHQ's rules in bulk, `loadSigmaRules`: a folder as SigmaHQ publishes it (nested folders, UUID ids,
 *   any file name, every key of the Sigma specification and custom keys kept). A malformed rule is
 *   reported (file and a one-line reason) and skipped; the rest load. The log source is kept as written,
 *   for a processing pipeline to map; the detection is checked here (modifiers, values, condition), so a
 *   rule that could never run is skipped with its reason instead of failing later.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { type Document, LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatPath } from '../config/load.ts';
import { expandRule } from './expand.ts';
import { PLACEHOLDER_NAMES } from './placeholders.ts';
import { RuleError } from './rule-error.ts';
import { ruleSchema, SERVICES, type Rule } from './rule.ts';
import { sigmaRuleSchema, toSigmaRule, type SigmaRule } from './sigma-rule.ts';

export function parseRule(text: string, file: string): Rule {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) throw new RuleError(file, `line ${lineCounter.linePos(syntax.pos[0]).line}`, syntax.message.split('\n')[0]!);
  const parsed = ruleSchema.safeParse(doc.toJS());
  if (!parsed.success) throw schemaError(parsed.error, doc, lineCounter, file);
  const rule = { ...parsed.data, file };
  const services: readonly string[] = SERVICES[rule.logsource.product];
  if (!services.includes(rule.logsource.service)) {
    throw new RuleError(file, 'logsource.service', `"${rule.logsource.service}" is not a ${rule.logsource.product} log source (known: ${services.join(', ')})`);
  }
  const expectedName = `${rule.id}.yml`;
  if (!file.endsWith(expectedName)) throw new RuleError(file, 'id', `the file must be named after the id: ${expectedName}`);
  return rule;
}

/** The first schema issue as a RuleError: its YAML path, the line, and the problem. */
function schemaError(error: z.ZodError, doc: Document, lineCounter: LineCounter, file: string): RuleError {
  const issue = error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const node = doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
  const line = node?.range ? ` (line ${lineCounter.linePos(node.range[0]).line})` : '';
  const problem = issue.code === 'unrecognized_keys' ? 'is not a rule field' : issue.message;
  return new RuleError(file, `${formatPath(path)}${line}`, problem);
}

/** Every *.yml under a directory, sorted by path so output is stable. */
export function loadRules(directory: string): Rule[] {
  const rules = ruleFiles(directory).map((file) => parseRule(readFileSync(file, 'utf8'), relative(process.cwd(), file) || file));
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const other = seen.get(rule.id);
    if (other) throw new RuleError(rule.file, 'id', `"${rule.id}" is also the id of ${other}`);
    seen.set(rule.id, rule.file);
  }
  return rules;
}

/** A Sigma rule file that did not load, and why (one line). */
export interface SkippedRule {
  readonly file: string;
  readonly reason: string;
}

/**
 * Parses one Sigma rule file (one YAML document). Throws a RuleError for a rule that is malformed or that
 * the engine cannot run: a schema problem, a refused or unknown modifier, a bad value, a bad condition.
 * `file` is used for messages and, when the rule has no `id`, for its id (the name without extension).
 */
export function parseSigmaRule(text: string, file: string): SigmaRule {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  if (docs.length === 0) throw new RuleError(file, '(top level)', 'is empty');
  // Sigma 1's multi-document collections (action: global / reset / repeat) are gone from the
  // specification and from SigmaHQ; one rule per file.
  if (docs.length > 1) throw new RuleError(file, '(top level)', `holds ${docs.length} YAML documents; a Sigma rule file holds one rule`);
  const doc = docs[0]!;
  const syntax = doc.errors[0];
  if (syntax) throw new RuleError(file, `line ${lineCounter.linePos(syntax.pos[0]).line}`, syntax.message.split('\n')[0]!);
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RuleError(file, '(top level)', 'is not a YAML map of rule fields');
  const keys = raw as Record<string, unknown>;
  // Correlation rules and filters are Sigma documents too, of other kinds (sigma-correlation-rules-specification.md,
  // sigma-filters-specification.md); the engine matches single events against detection rules only.
  if ('correlation' in keys) throw new RuleError(file, 'correlation', 'is a Sigma correlation rule; only detection rules are supported');
  if ('filter' in keys && !('detection' in keys)) throw new RuleError(file, 'filter', 'is a Sigma filter; only detection rules are supported');
  const parsed = sigmaRuleSchema.safeParse(raw);
  if (!parsed.success) throw schemaError(parsed.error, doc, lineCounter, file);
  const rule = toSigmaRule(parsed.data, file, basename(file, extname(file)));
  // Check the detection without a config: every placeholder known, each an empty list.
  expandRule(rule, CHECK_PLACEHOLDERS);
  return rule;
}

const CHECK_PLACEHOLDERS = Object.fromEntries(PLACEHOLDER_NAMES.map((name) => [name, []]));

/**
 * Every *.yml / *.yaml under `directory`, at any depth, read as Sigma rules. Malformed rules, rules the
 * engine cannot run and a second rule with an id already seen (in path order) are skipped, each with a
 * one-line reason; the rest load. No log source is refused here: that is the processing pipeline's call.
 */
export function loadSigmaRules(directory: string): { rules: SigmaRule[]; skipped: SkippedRule[] } {
  const rules: SigmaRule[] = [];
  const skipped: SkippedRule[] = [];
  const seen = new Map<string, string>();
  for (const path of ruleFiles(directory)) {
    const file = relative(process.cwd(), path) || path;
    try {
      const rule = parseSigmaRule(readFileSync(path, 'utf8'), file);
      const other = seen.get(rule.id);
      if (other) {
        skipped.push({ file, reason: `id: "${rule.id}" is also the id of ${other}` });
        continue;
      }
      seen.set(rule.id, file);
      rules.push(rule);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      skipped.push({ file, reason: `${error.where}: ${error.problem}` });
    }
  }
  return { rules, skipped };
}

function ruleFiles(directory: string): string[] {
  return walk(directory)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
}

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
