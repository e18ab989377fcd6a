/**
 * Detection coverage by ATT&CK v19 technique: for each technique a rule is tagged with, the behaviour it
 * names (ATT&CK's technique name, core/attack/techniques.ts), the rules that watch for it per cloud, and
 * where each is deployed ("detect only" for a rule `guardrails detect` runs but no alarm pipeline
 * deploys). Rendered in the plan report and, for the shipped catalog, in the README between
 * `<!-- coverage:start -->` and `<!-- coverage:end -->` (core/registry/docs.ts writes it; a test fails
 * when it is stale).
 */
import { techniqueOfTag, TECHNIQUES } from '../attack/techniques.ts';
import type { Correlation, CorrelationDocument } from '../detection/correlation.ts';
import type { Rule } from '../detection/rule.ts';

/** A correlation as the table needs it: its base rules by id (`coverageOf` makes one from either form). */
export interface CoverageCorrelation {
  readonly id: string;
  readonly tags: readonly string[];
  readonly targets: readonly string[];
  readonly generate: boolean;
  readonly baseRuleIds: readonly string[];
  /** The cloud of its base rules, when known (a bound correlation); else looked up among the rules. */
  readonly cloud?: string;
}

/** From a correlation file as written (the catalog refers to base rules by id) or a bound correlation. */
export function coverageOf(c: CorrelationDocument | Correlation): CoverageCorrelation {
  if ('bases' in c) {
    const cloud = c.bases[0]?.rule.rule.logsource.product;
    return { id: c.id, tags: c.tags, targets: c.targets, generate: c.generate, baseRuleIds: c.bases.map((b) => b.rule.rule.id), ...(cloud ? { cloud } : {}) };
  }
  return { id: c.id, tags: c.tags, targets: c.targets, generate: c.generate, baseRuleIds: c.rules };
}

/** What the table lists: a rule, or a correlation (cloud: its base rules'). */
interface Watcher {
  readonly id: string;
  readonly cloud: string;
  readonly tags: readonly string[];
  readonly targets: readonly string[];
  readonly correlation: boolean;
}

/**
 * The rules and correlations to list. A base rule that only runs inside a correlation (`generate: false`,
 * Sigma's default) is left out: it watches for nothing on its own; its correlation is listed instead.
 */
function watchers(rules: readonly Rule[], correlations: readonly CoverageCorrelation[]): Watcher[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const inside = new Set(correlations.filter((c) => !c.generate).flatMap((c) => c.baseRuleIds));
  return [
    ...rules.filter((r) => !inside.has(r.id)).map((r) => ({ id: r.id, cloud: r.logsource.product, tags: r.tags, targets: r.targets, correlation: false })),
    ...correlations.map((c) => ({
      id: c.id,
      cloud: c.cloud ?? byId.get(c.baseRuleIds[0] ?? '')?.logsource.product ?? '?',
      tags: c.tags,
      targets: c.targets,
      correlation: true,
    })),
  ];
}

export const COVERAGE_START = '<!-- coverage:start -->';
export const COVERAGE_END = '<!-- coverage:end -->';

export interface TechniqueRow {
  readonly technique: string;
  readonly name: string;
  /** Rule id -> its deployed targets, per cloud, in id order. */
  readonly rules: readonly { readonly id: string; readonly cloud: string; readonly targets: readonly string[]; readonly correlation: boolean }[];
}

/** One row per technique some rule or correlation is tagged with, in technique-id order. */
export function techniqueCoverage(rules: readonly Rule[], correlations: readonly CoverageCorrelation[] = []): TechniqueRow[] {
  const byTechnique = new Map<string, Watcher[]>();
  for (const rule of watchers(rules, correlations)) {
    for (const technique of new Set(rule.tags.map(techniqueOfTag).filter((t): t is string => t !== undefined))) {
      byTechnique.set(technique, [...(byTechnique.get(technique) ?? []), rule]);
    }
  }
  return [...byTechnique]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([technique, tagged]) => ({
      technique,
      name: TECHNIQUES[technique] ?? '(not in core/attack/techniques.ts)',
      rules: [...tagged].sort((a, b) => a.id.localeCompare(b.id)).map(({ id, cloud, targets, correlation }) => ({ id, cloud, targets, correlation })),
    }));
}

/** The table as markdown lines: technique, behaviour, and the rules per cloud with their targets. */
export function techniqueCoverageTable(rules: readonly Rule[], correlations: readonly CoverageCorrelation[] = []): string[] {
  const clouds = ['aws', 'azure', 'gcp'] as const;
  const cell = (row: TechniqueRow, cloud: string) =>
    row.rules
      .filter((r) => r.cloud === cloud)
      .map((r) => `\`${r.id}\` (${r.correlation ? 'correlation, ' : ''}${r.targets.join(', ') || 'detect only'})`)
      .join('<br/>') || '-';
  return [
    '| ATT&CK v19 | Behaviour | AWS rules (targets) | Azure rules (targets) | GCP rules (targets) |',
    '| --- | --- | --- | --- | --- |',
    ...techniqueCoverage(rules, correlations).map((row) => `| ${row.technique} | ${row.name} | ${clouds.map((c) => cell(row, c)).join(' | ')} |`),
  ];
}

/** The README's coverage section, markers included. */
export function renderCoverageSection(rules: readonly Rule[], correlations: readonly CoverageCorrelation[] = []): string {
  const listed = watchers(rules, correlations);
  const counts = ['aws', 'azure', 'gcp'].map((c) => `${listed.filter((w) => w.cloud === c).length} ${c.toUpperCase()}`).join(', ');
  return [
    COVERAGE_START,
    `The shipped catalog: ${listed.length} rules and correlations (${counts}), by the ATT&CK v19 technique each is tagged with. Base rules that only feed a correlation are not listed. Generated by \`npx tsx core/registry/docs.ts\`.`,
    '',
    ...techniqueCoverageTable(rules, correlations),
    COVERAGE_END,
  ].join('\n');
}

/** The coverage section of a README, markers included; throws when the markers are missing. */
export function coverageSection(readme: string): string {
  const start = readme.indexOf(COVERAGE_START);
  const end = readme.indexOf(COVERAGE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${COVERAGE_START} ... ${COVERAGE_END} section`);
  return readme.slice(start, end + COVERAGE_END.length);
}
