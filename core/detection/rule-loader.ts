/**
 * Reads rule files. A malformed rule is one line naming the file, the YAML path (with its line) and what
 * is wrong; the catalog loads all-or-nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { formatPath } from '../config/load.ts';
import { RuleError } from './rule-error.ts';
import { ruleSchema, SERVICES, type Rule } from './rule.ts';

export function parseRule(text: string, file: string): Rule {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) throw new RuleError(file, `line ${lineCounter.linePos(syntax.pos[0]).line}`, syntax.message.split('\n')[0]!);
  const parsed = ruleSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const node = doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? ` (line ${lineCounter.linePos(node.range[0]).line})` : '';
    const problem = issue.code === 'unrecognized_keys' ? 'is not a rule field' : issue.message;
    throw new RuleError(file, `${formatPath(path)}${line}`, problem);
  }
  const rule = { ...parsed.data, file };
  const services: readonly string[] = SERVICES[rule.logsource.product];
  if (!services.includes(rule.logsource.service)) {
    throw new RuleError(file, 'logsource.service', `"${rule.logsource.service}" is not a ${rule.logsource.product} log source (known: ${services.join(', ')})`);
  }
  const expectedName = `${rule.id}.yml`;
  if (!file.endsWith(expectedName)) throw new RuleError(file, 'id', `the file must be named after the id: ${expectedName}`);
  return rule;
}

/** Every *.yml under a directory, sorted by path so output is stable. */
export function loadRules(directory: string): Rule[] {
  const files = walk(directory)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
  const rules = files.map((file) => parseRule(readFileSync(file, 'utf8'), relative(process.cwd(), file) || file));
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const other = seen.get(rule.id);
    if (other) throw new RuleError(rule.file, 'id', `"${rule.id}" is also the id of ${other}`);
    seen.set(rule.id, rule.file);
  }
  return rules;
}

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
