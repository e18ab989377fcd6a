/**
 * The detection coverage table (core/report/technique-coverage.ts): one row per ATT&CK technique a rule is
 * tagged with, ATT&CK's name as the behaviour, the rules per cloud with where each is deployed.
 */
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../core/detection/rule.ts';
import { coverageSection, renderCoverageSection, techniqueCoverage, techniqueCoverageTable } from '../../../core/report/technique-coverage.ts';

const rule = (id: string, product: 'aws' | 'azure' | 'gcp', tags: string[], targets: Rule['targets'] = []): Rule =>
  ({
    id,
    title: id,
    description: id,
    level: 'medium',
    status: 'stable',
    tags,
    logsource: { product, service: 'x' },
    detection: {},
    falsepositives: [],
    targets,
    references: [],
    file: `${id}.yml`,
  }) as Rule;

const rules = [
  rule('b-aws', 'aws', ['attack.execution', 'attack.t1059.009'], ['eventbridge', 'cloudwatch']),
  rule('a-aws', 'aws', ['attack.t1059.009', 'attack.t1059.009']),
  rule('gcp-one', 'gcp', ['attack.t1685.002', 'attack.t1059.009'], ['gcp']),
  rule('untagged', 'azure', ['attack.execution']),
];

describe('detection coverage by technique', () => {
  it('groups rules by technique in id order, once each, with ATT&CK names', () => {
    const rows = techniqueCoverage(rules);
    expect(rows.map((r) => r.technique)).toEqual(['T1059.009', 'T1685.002']);
    expect(rows[0]!.name).toBe('Command and Scripting Interpreter: Cloud API');
    expect(rows[0]!.rules.map((r) => r.id)).toEqual(['a-aws', 'b-aws', 'gcp-one']);
    expect(rows[1]!.rules.map((r) => r.id)).toEqual(['gcp-one']);
  });

  it('renders each cloud in its column, with targets or "detect only", and a dash where none', () => {
    const [header, , first, second] = techniqueCoverageTable(rules);
    expect(header).toBe('| ATT&CK v19 | Behaviour | AWS rules (targets) | Azure rules (targets) | GCP rules (targets) |');
    expect(first).toBe(
      '| T1059.009 | Command and Scripting Interpreter: Cloud API | `a-aws` (detect only)<br/>`b-aws` (eventbridge, cloudwatch) | - | `gcp-one` (gcp) |',
    );
    expect(second).toMatch(/^\| T1685\.002 \| .* \| - \| - \| `gcp-one` \(gcp\) \|$/);
  });

  it('names a technique missing from the techniques table instead of inventing a name', () => {
    expect(techniqueCoverage([rule('x', 'aws', ['attack.t9999'])])[0]!.name).toBe('(not in core/attack/techniques.ts)');
  });

  it('replaces only what is between the README markers', () => {
    const section = renderCoverageSection(rules);
    expect(section).toMatch(/^<!-- coverage:start -->\nThe shipped catalog: 4 rules and correlations \(2 AWS, 1 AZURE, 1 GCP\)/);
    const readme = `# x\n\n${section}\n\n## after\n`;
    expect(coverageSection(readme)).toBe(section);
    expect(() => coverageSection('# no markers')).toThrow(/has no <!-- coverage:start -->/);
  });
});
