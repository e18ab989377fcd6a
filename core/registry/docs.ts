/**
 * Writes CONTROLS.md and the README's layout section from the controls registry (controls.ts), and the
 * README's coverage section from the catalog (core/report/technique-coverage.ts), resolving
 * each entry's rules: a catalog selection becomes the catalog rules of that product (and log source) that
 * list that target; generated rules are built by their function from guardrails.example.yaml in report
 * mode, so every rule the code can generate appears. `npx tsx core/registry/docs.ts` writes both files;
 * test/core/registry/controls.test.ts fails when either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { perimeterShadowRules } from '../aws/shadow-rules.ts';
import { selfProtectionRules } from '../aws/self-protection-rules.ts';
import { EXAMPLE_CONFIG_FILE, parseConfigText } from '../config/load.ts';
import type { GuardrailsModel } from '../config/model.ts';
import type { CatalogRule } from '../detection/catalog.ts';
import { kqlTableFor } from '../detection/logsources/kql-table-for.ts';
import { loadCorrelationFiles, loadRules } from '../detection/rule-loader.ts';
import type { Rule } from '../detection/rule.ts';
import { coverageOf, coverageSection, renderCoverageSection } from '../report/technique-coverage.ts';
import { FOLDERS, REGISTRY, type Cloud, type EntryKind, type GeneratedRules, type RegistryEntry, type SymbolRef } from './controls.ts';

export const CONTROLS_FILE = 'CONTROLS.md';
export const README_FILE = 'README.md';
export const LAYOUT_START = '<!-- layout:start -->';
export const LAYOUT_END = '<!-- layout:end -->';
export const DOCS_COMMAND = 'npx tsx core/registry/docs.ts';
export const REGISTRY_FILE = 'core/registry/controls.ts';
const RULES_DIR = 'detections';

/** The repository root (this file is core/registry/docs.ts). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The functions a registry entry may name in `rules.generated`, by symbol. */
const RULE_GENERATORS: Readonly<Record<string, (model: GuardrailsModel) => readonly CatalogRule[]>> = {
  selfProtectionRules,
  perimeterShadowRules: (model) => perimeterShadowRules(model).rules,
};

const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'gcp'];
const CLOUD_NAMES: Record<Cloud, string> = { aws: 'AWS', azure: 'Azure', gcp: 'GCP' };
const KINDS: readonly EntryKind[] = ['control', 'pipeline', 'logsource'];
const KIND_NAMES: Record<EntryKind, string> = { control: 'Controls', pipeline: 'Alarm pipelines', logsource: 'Log sources' };
const KIND_SINGULAR: Record<EntryKind, string> = { control: 'control', pipeline: 'pipeline', logsource: 'log source' };

/** What rules are resolved against: the catalog, and the ids each rule generator produces. */
export interface RuleContext {
  readonly catalog: readonly Rule[];
  readonly generated: ReadonlyMap<string, readonly string[]>;
}

/** The catalog from detections/ and the generated rules, built from the example config in report mode. */
export function loadRuleContext(root = REPOSITORY_ROOT): RuleContext {
  const catalog = loadRules(join(root, RULES_DIR)).map((rule) => ({ ...rule, file: relative(root, resolve(rule.file)) }));
  const example = parse(readFileSync(join(root, EXAMPLE_CONFIG_FILE), 'utf8')) as Record<string, unknown>;
  const aws = example['aws'] as Record<string, unknown> | undefined;
  const model = parseConfigText(stringify({ ...example, mode: 'report', aws: aws && { ...aws, controls: {} } }), EXAMPLE_CONFIG_FILE);
  const generated = new Map(Object.entries(RULE_GENERATORS).map(([symbol, build]) => [symbol, build(model).map((r) => r.rule.id)] as const));
  return { catalog, generated };
}

export interface ResolvedRules {
  /** Catalog rules, by file. */
  readonly catalog: readonly Rule[];
  /** Generated rules, by the function that builds them. */
  readonly generated: readonly { readonly source: GeneratedRules; readonly ids: readonly string[] }[];
}

export function resolveRules(entry: RegistryEntry, context: RuleContext): ResolvedRules {
  const selection = entry.rules?.catalog;
  const catalog = selection
    ? context.catalog.filter(
        (r) =>
          r.logsource.product === selection.product &&
          (selection.service === undefined || r.logsource.service === selection.service) &&
          (selection.target === undefined || r.targets.includes(selection.target)),
      )
    : [];
  const generated = (entry.rules?.generated ?? []).map((source) => {
    const ids = context.generated.get(source.from.symbol);
    if (!ids) throw new Error(`${entry.id}: no rule generator ${source.from.symbol} in core/registry/docs.ts RULE_GENERATORS`);
    return { source, ids };
  });
  return { catalog, generated };
}

/** Every rule id an entry resolves to. */
export function ruleIds(entry: RegistryEntry, context: RuleContext): string[] {
  const { catalog, generated } = resolveRules(entry, context);
  return [...catalog.map((r) => r.id), ...generated.flatMap((g) => g.ids)];
}

// Rendering ------------------------------------------------------------------------------------------

const code = (text: string) => `\`${text}\``;
const symbolLink = ({ file, symbol }: SymbolRef) => `[${code(symbol)}](${file})`;
const symbolWithFile = (ref: SymbolRef) => `${symbolLink(ref)} in ${code(ref.file)}`;
const list = (items: readonly string[], none = 'none') => (items.length ? items.join(', ') : none);
const byKindAndCloud = (kind: EntryKind, cloud: Cloud) => REGISTRY.filter((e) => e.kind === kind && e.cloud === cloud);

function rulesLine(entry: RegistryEntry, context: RuleContext): string {
  const { catalog, generated } = resolveRules(entry, context);
  const count = catalog.length + generated.reduce((n, g) => n + g.ids.length, 0);
  const label = entry.kind === 'logsource' ? 'Rules reading it' : 'Rules it deploys';
  if (count === 0) return `- **${label}:** none`;
  const parts = [
    ...(catalog.length ? [catalog.map((r) => `[${r.id}](${r.file})`).join(', ')] : []),
    ...generated.map((g) => `generated by ${symbolLink(g.source.from)} (${g.source.when}): ${g.ids.map(code).join(', ')}`),
  ];
  const selection = entry.rules?.catalog;
  const from = selection
    ? ` (catalog rules of ${selection.product}${selection.service ? ` log source ${code(selection.service)}` : ''}${selection.target ? ` that list target ${code(selection.target)}` : ''})`
    : '';
  return `- **${label}** (${count})${from}: ${parts.join('; ')}`;
}

function entrySection(entry: RegistryEntry, context: RuleContext): string[] {
  const [main, ...rest] = entry.implementation;
  const lines = [
    `#### ${entry.id}`,
    '',
    `**${entry.title}** (${KIND_SINGULAR[entry.kind]}). ${entry.summary}`,
    '',
    `- **Implemented by:** ${symbolWithFile(main!)}${rest.length ? `; also ${rest.map(symbolWithFile).join(', ')}` : ''}`,
  ];
  if (entry.composedIn.length) lines.push(`- **Composed in:** ${entry.composedIn.map(symbolWithFile).join(', ')}`);
  lines.push(`- **Config keys:** ${list(entry.configKeys.map(code), entry.kind === 'logsource' ? 'none' : 'none (always deployed with its cloud)')}`);
  if (entry.kind === 'logsource') {
    const service = entry.rules?.catalog?.service;
    if (service)
      lines.push(
        `- **Rule log source:** ${code(`${entry.cloud}/${service}`)}${entry.cloud === 'azure' ? `, Log Analytics table ${code(kqlTableFor(service).name)}` : ''}`,
      );
    lines.push(`- **Collected by:** ${list((entry.collectedBy ?? []).map((id) => `[${id}](#${id})`))}`);
  }
  lines.push(rulesLine(entry, context));
  if (entry.watchedBy?.length) {
    const file = new Map(context.catalog.map((r) => [r.id, r.file]));
    const link = (id: string) => (file.has(id) ? `[${id}](${file.get(id)})` : `${code(id)} (generated)`);
    lines.push(`- **Watched by:** ${entry.watchedBy.map(link).join(', ')}`);
  }
  lines.push(`- **Tests:** ${list(entry.tests.map((t) => `[${t}](${t})`))}`, '');
  return lines;
}

export function renderControls(context: RuleContext): string {
  const countRow = (kind: EntryKind) =>
    `| ${KIND_NAMES[kind]} | ${CLOUDS.map((c) => byKindAndCloud(kind, c).length).join(' | ')} | ${REGISTRY.filter((e) => e.kind === kind).length} |`;
  const out = [
    '# Controls, alarm pipelines and log sources',
    '',
    `<!-- Generated by \`${DOCS_COMMAND}\` from ${REGISTRY_FILE}: edit the registry, not this file. -->`,
    '',
    'Every control, alarm pipeline and log source the kit deploys or reads, one hop from its code: the config keys that drive it, the file and exported symbol that implement it, the stack code that composes it, the rules it deploys and the tests that cover it.',
    `Rules are computed, not listed: a pipeline deploys the catalog rules (\`detections/\`) of its cloud that list its target; a log source carries the rules written against it; generated rules are those the named function builds from \`${EXAMPLE_CONFIG_FILE}\` in report mode.`,
    '"Watched by" names the rules that alert when someone tampers with the control or runs into what it blocks (listed by hand in the registry; the test checks that each rule exists).',
    `\`test/core/registry/controls.test.ts\` fails when an entry names a file, symbol, test or config key that does not exist, when a construct class is in no entry, or when this file is stale (run \`${DOCS_COMMAND}\`).`,
    '',
    `| | ${CLOUDS.map((c) => CLOUD_NAMES[c]).join(' | ')} | total |`,
    `| --- | ${CLOUDS.map(() => '---:').join(' | ')} | ---: |`,
    ...KINDS.map(countRow),
    '',
  ];
  for (const cloud of CLOUDS) {
    out.push(`## ${CLOUD_NAMES[cloud]}`, '');
    for (const kind of KINDS) {
      const entries = byKindAndCloud(kind, cloud);
      if (entries.length === 0) continue;
      out.push(`### ${KIND_NAMES[kind]} (${CLOUD_NAMES[cloud]})`, '', ...entries.map((e) => `- [${e.id}](#${e.id}): ${e.title}`), '');
      for (const entry of entries) out.push(...entrySection(entry, context));
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The README's layout section, between the markers: the folder overview and where each entry lives. */
export function renderLayout(): string {
  const constructsIn = (folder: string) => [
    ...new Set(
      REGISTRY.flatMap((e) => e.implementation)
        .filter((r) => r.file.startsWith(folder) && /^[A-Z][a-z]/.test(r.symbol))
        .map((r) => r.symbol),
    ),
  ];
  const folderRows = FOLDERS.map(({ path, about }) => {
    const classes = path.startsWith('constructs/') ? constructsIn(path) : [];
    return `| ${code(path)} | ${about}${classes.length ? `: ${classes.map(code).join(', ')}` : ''} |`;
  });
  const entryRows = REGISTRY.map(
    (e) => `| [${e.id}](CONTROLS.md#${e.id}) | ${CLOUD_NAMES[e.cloud]} ${KIND_SINGULAR[e.kind]} | ${e.title} | ${symbolLink(e.implementation[0]!)} |`,
  );
  return [
    LAYOUT_START,
    `<!-- Generated by \`${DOCS_COMMAND}\` from ${REGISTRY_FILE}: edit the registry, not this section. -->`,
    '',
    '| folder | what is there |',
    '| --- | --- |',
    ...folderRows,
    '',
    `Where each control, alarm pipeline and log source lives. [CONTROLS.md](CONTROLS.md) gives, for each, the config keys that drive it, the stack code that composes it, the rules it deploys and the tests that cover it.`,
    '',
    '| id | kind | what | implemented by |',
    '| --- | --- | --- | --- |',
    ...entryRows,
    LAYOUT_END,
  ].join('\n');
}

/** The layout section of a README, markers included; throws when the markers are missing. */
export function layoutSection(readme: string): string {
  const start = readme.indexOf(LAYOUT_START);
  const end = readme.indexOf(LAYOUT_END);
  if (start < 0 || end < start) throw new Error(`${README_FILE} has no ${LAYOUT_START} ... ${LAYOUT_END} section`);
  return readme.slice(start, end + LAYOUT_END.length);
}

export function withLayout(readme: string, layout = renderLayout()): string {
  return readme.replace(layoutSection(readme), () => layout);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(join(REPOSITORY_ROOT, CONTROLS_FILE), renderControls(loadRuleContext()));
  const readmePath = join(REPOSITORY_ROOT, README_FILE);
  const readme = withLayout(readFileSync(readmePath, 'utf8'));
  const correlations = loadCorrelationFiles(join(REPOSITORY_ROOT, RULES_DIR)).map(coverageOf);
  writeFileSync(
    readmePath,
    readme.replace(coverageSection(readme), () => renderCoverageSection(loadRuleContext().catalog, correlations)),
  );
  console.error(`wrote ${CONTROLS_FILE} and the layout and coverage sections of ${README_FILE}`);
}
