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
 *
 * Correlation rules (correlation.ts) are documents of their own. In the catalog a correlation is a file of
 * its own (`loadCorrelationFiles`; `loadRules` leaves such files out). In bulk, a file may hold several
 * YAML documents, as SigmaHQ writes a correlation and its base rules together (the specification's
 * example "Failed Logins Followed by Successful Login"): each document is read, a rule or a correlation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { type Document, LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatPath } from '../config/load.ts';
import { isCorrelationDocument, isCorrelationFileText, parseCorrelationFile, parseSigmaCorrelation, type CorrelationDocument } from './correlation.ts';
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

/** Every *.yml under a directory, sorted by path so output is stable; correlation files are left to loadCorrelationFiles. */
export function loadRules(directory: string): Rule[] {
  const rules = ruleFiles(directory).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return isCorrelationFileText(text) ? [] : [parseRule(text, relative(process.cwd(), file) || file)];
  });
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const other = seen.get(rule.id);
    if (other) throw new RuleError(rule.file, 'id', `"${rule.id}" is also the id of ${other}`);
    seen.set(rule.id, rule.file);
  }
  return rules;
}

/** Every catalog correlation file under a directory (a `correlation:` key at the top level), strict, sorted by path. */
export function loadCorrelationFiles(directory: string): CorrelationDocument[] {
  return ruleFiles(directory).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return isCorrelationFileText(text) ? [parseCorrelationFile(text, relative(process.cwd(), file) || file)] : [];
  });
}

/** A Sigma rule file that did not load, and why (one line). */
export interface SkippedRule {
  readonly file: string;
  readonly reason: string;
  /** The document's id, title and Sigma name, when it was read that far (a correlation may refer to it). */
  readonly id?: string;
  readonly title?: string;
  readonly name?: string;
}

/**
 * Parses one Sigma rule file (one YAML document). Throws a RuleError for a rule that is malformed or that
 * the engine cannot run: a schema problem, a refused or unknown modifier, a bad value, a bad condition.
 * `file` is used for messages and, when the rule has no `id`, for its id (the name without extension).
 * A file of several documents, or a correlation, is read by `parseSigmaDocuments`.
 */
export function parseSigmaRule(text: string, file: string): SigmaRule {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  if (docs.length === 0) throw new RuleError(file, '(top level)', 'is empty');
  if (docs.length > 1) throw new RuleError(file, '(top level)', `holds ${docs.length} YAML documents; parseSigmaDocuments reads each of them`);
  const raw = documentMap(docs[0]!, lineCounter, file);
  if (isCorrelationDocument(raw)) throw new RuleError(file, 'correlation', 'is a Sigma correlation rule; parseSigmaDocuments reads it');
  return sigmaRuleOf(raw, docs[0]!, lineCounter, file, basename(file, extname(file)));
}

/** What one file of Sigma documents holds: its rules, its correlations, and the documents that did not load. */
export interface SigmaDocuments {
  readonly rules: SigmaRule[];
  readonly correlations: CorrelationDocument[];
  readonly skipped: { readonly document: number; readonly problem: string; readonly id?: string; readonly title?: string; readonly name?: string }[];
  /** The 1-based document number of each rule and correlation, for messages. */
  readonly documentOf: Map<SigmaRule | CorrelationDocument, number>;
}

/**
 * Every YAML document of a Sigma file: a detection rule, or a correlation (a `correlation` key). One bad
 * document does not stop the others. A document without an id takes the file name (`name#2` for the
 * second document of a file of several). Sigma 1's collections (`action: global`, `reset`, `repeat`) are
 * gone from the specification and from SigmaHQ: such a document is refused with that reason.
 */
export function parseSigmaDocuments(text: string, file: string): SigmaDocuments {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  const out: SigmaDocuments = { rules: [], correlations: [], skipped: [], documentOf: new Map() };
  if (docs.length === 0) {
    out.skipped.push({ document: 1, problem: '(top level): is empty' });
    return out;
  }
  const stem = basename(file, extname(file));
  docs.forEach((doc, i) => {
    const fallbackId = docs.length > 1 ? `${stem}#${i + 1}` : stem;
    let raw: unknown;
    try {
      raw = documentMap(doc, lineCounter, file);
      if ('action' in (raw as Record<string, unknown>))
        throw new RuleError(
          file,
          'action',
          'is a Sigma 1 collection (action: global / reset / repeat), which Sigma 2 removed; write each rule as a whole document',
        );
      if (isCorrelationDocument(raw)) {
        const correlation = parseSigmaCorrelation(raw, file, fallbackId, { doc, lineCounter });
        out.correlations.push(correlation);
        out.documentOf.set(correlation, i + 1);
      } else {
        const rule = sigmaRuleOf(raw as Record<string, unknown>, doc, lineCounter, file, fallbackId);
        out.rules.push(rule);
        out.documentOf.set(rule, i + 1);
      }
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      const keys = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
      const id = typeof keys['id'] === 'string' ? keys['id'] : undefined;
      const title = typeof keys['title'] === 'string' ? keys['title'] : undefined;
      const name = typeof keys['name'] === 'string' ? keys['name'] : undefined;
      out.skipped.push({
        document: i + 1,
        problem: `${error.where}: ${error.problem}`,
        ...(id ? { id } : {}),
        ...(title ? { title } : {}),
        ...(name ? { name } : {}),
      });
    }
  });
  return out;
}

function documentMap(doc: Document, lineCounter: LineCounter, file: string): Record<string, unknown> {
  const syntax = doc.errors[0];
  if (syntax) throw new RuleError(file, `line ${lineCounter.linePos(syntax.pos[0]).line}`, syntax.message.split('\n')[0]!);
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RuleError(file, '(top level)', 'is not a YAML map of rule fields');
  return raw as Record<string, unknown>;
}

function sigmaRuleOf(keys: Record<string, unknown>, doc: Document, lineCounter: LineCounter, file: string, fallbackId: string): SigmaRule {
  // Filters are Sigma documents too, of another kind (sigma-filters-specification.md); the engine matches
  // single events against detection rules (and correlations over them) only.
  if ('filter' in keys && !('detection' in keys)) throw new RuleError(file, 'filter', 'is a Sigma filter; only detection rules are supported');
  const parsed = sigmaRuleSchema.safeParse(keys);
  if (!parsed.success) throw schemaError(parsed.error, doc, lineCounter, file);
  const rule = toSigmaRule(parsed.data, file, fallbackId);
  // Check the detection without a config: every placeholder known, each an empty list.
  expandRule(rule, CHECK_PLACEHOLDERS);
  return rule;
}

const CHECK_PLACEHOLDERS = Object.fromEntries(PLACEHOLDER_NAMES.map((name) => [name, []]));

/**
 * Every *.yml / *.yaml under `directory`, at any depth, read as Sigma documents: rules and correlations.
 * Malformed documents, rules the engine cannot run and a second rule or correlation with an id or a Sigma
 * `name` already seen (in path order; a correlation refers to its rules by either) are skipped, each with a one-line reason (`document N: ...` in a file of several
 * documents); the rest load. No log source is refused here, and no correlation's base rules are looked
 * up: that is the processing pipeline's and the folder loader's call (rule-folder.ts).
 */
export function loadSigmaRules(directory: string): { rules: SigmaRule[]; skipped: SkippedRule[]; correlations: CorrelationDocument[] } {
  const rules: SigmaRule[] = [];
  const correlations: CorrelationDocument[] = [];
  const skipped: SkippedRule[] = [];
  const seen = new Map<string, string>();
  const seenNames = new Map<string, string>();
  for (const path of ruleFiles(directory)) {
    const file = relative(process.cwd(), path) || path;
    const parsed = parseSigmaDocuments(readFileSync(path, 'utf8'), file);
    const several = parsed.rules.length + parsed.correlations.length + parsed.skipped.length > 1;
    const prefix = (document: number) => (several ? `document ${document}: ` : '');
    for (const s of parsed.skipped) {
      const { document, problem, ...keys } = s;
      skipped.push({ file, reason: `${prefix(document)}${problem}`, ...keys });
    }
    // A correlation refers to its base rules by id or by name, so each must name one document only.
    const unique = (id: string, name: string | undefined, document: number): boolean => {
      const other = seen.get(id);
      const otherName = name === undefined ? undefined : seenNames.get(name);
      if (other) skipped.push({ file, reason: `${prefix(document)}id: "${id}" is also the id of ${other}` });
      else if (otherName) skipped.push({ file, reason: `${prefix(document)}name: "${name}" is also the name of ${otherName}` });
      else {
        seen.set(id, file);
        if (name !== undefined) seenNames.set(name, file);
        return true;
      }
      return false;
    };
    for (const rule of parsed.rules) if (unique(rule.id, rule.sigma.name, parsed.documentOf.get(rule)!)) rules.push(rule);
    for (const correlation of parsed.correlations)
      if (unique(correlation.id, correlation.name, parsed.documentOf.get(correlation)!)) correlations.push(correlation);
  }
  return { rules, skipped, correlations };
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
