/**
 * Reading and locating config errors in core/config/load.ts, for the mutants the StrykerJS run of core/config
 * left uncovered or alive (bench/mutation-results.md): exact one-line messages, the line they point at, and
 * the path resolution that picks ./guardrails.yaml.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, MAX_CONFIG_BYTES, parseConfigText, resolveConfigPath } from '../../../core/config/load.ts';
import { configErrorOf, exampleText } from '../../helpers/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'guardrails-load-mutants-'));
const refusal = (text: string): string => configErrorOf(() => parseConfigText(text, 'g.yaml'));

describe('resolveConfigPath', () => {
  it('uses ./guardrails.yaml when it exists, with no notice', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'guardrails.yaml'), 'mode: report\n');
    expect(resolveConfigPath({ cwd, exampleDir: join(dir, 'elsewhere') })).toEqual({ path: join(cwd, 'guardrails.yaml') });
  });
});

describe('loadConfigFile', () => {
  it('refuses a missing file by its name', () => {
    expect(configErrorOf(() => loadConfigFile(join(dir, 'guardrails.yaml')))).toBe('guardrails.yaml: file not found. Create it from guardrails.example.yaml.');
  });

  it('accepts a file of exactly 1 MiB', () => {
    const text = exampleText();
    const path = join(dir, 'exact.yaml');
    writeFileSync(path, `${text}#${'x'.repeat(MAX_CONFIG_BYTES - Buffer.byteLength(text) - 2)}\n`);
    expect(loadConfigFile(path).mode).toBe('report');
  });
});

describe('YAML errors are one line at their line', () => {
  it('gives the parser message without its position, and keeps the dots inside it', () => {
    expect(refusal('mode: report\nmode: enforce\n')).toBe('g.yaml:2 (yaml): Map keys must be unique. Fix the YAML syntax.');
    expect(refusal('mode: report\n...\nmode\n')).toBe(
      'g.yaml:3 (yaml): Source contains multiple documents; please use YAML.parseAllDocuments(). Fix the YAML syntax.',
    );
  });

  it('names an alias used before its anchor, dots included', () => {
    expect(refusal('mode: report\na: *x.y\nb: &x.y 1\n')).toBe(
      'g.yaml:2 (yaml): Unresolved alias (the anchor must be set before the alias): x.y. Fix the YAML aliases (&anchor/*alias).',
    );
  });
});

describe('schema errors', () => {
  it('lists the keys of an array element when nothing is close', () => {
    expect(refusal(exampleText().replace('region: us-east-1 }', 'region: us-east-1, zone: a }'))).toMatch(
      /^g\.yaml:\d+ trustedNetworks\.aws\.vpcIds\[0\]\.zone: is not a known setting\. Known here: id, region\.$/,
    );
  });

  it('says a missing field is required, at its parent line', () => {
    const text = exampleText().replace('region: us-east-1 }', 'regio: us-east-1 }');
    const line = text.split('\n').findIndex((l) => l.includes('regio: us-east-1')) + 1;
    expect(refusal(text)).toBe(`g.yaml:${line} trustedNetworks.aws.vpcIds[0].region: is required. Add it (see guardrails.example.yaml).`);
  });

  it('shows the wrong value it got', () => {
    expect(refusal('mode: 5\ntrustedNetworks: {}\n')).toBe(
      'g.yaml:1 mode: must be "report" or "enforce" (got 5). See guardrails.example.yaml and guardrails.schema.json.',
    );
  });

  it('points a document that is not a mapping at its first line, after its comments', () => {
    expect(refusal('# a comment\n# another\n\n5\n')).toMatch(/^g\.yaml:4 /);
  });
});

describe('validation errors point at the field they name', () => {
  it('finds an indexed path inside a nested list', () => {
    const text = exampleText().replace('vpcIds:\n', 'vpcIds:\n      - { id: vpc-0a1b2c3d4e5f60718, region: eu-west-1 }\n');
    const lines = text.split('\n');
    const second = lines.findIndex((l, i) => l.includes('vpc-0a1b2c3d4e5f60718') && i > lines.findIndex((m) => m.includes('vpc-0a1b2c3d4e5f60718'))) + 1;
    expect(refusal(text)).toBe(
      `g.yaml:${second} trustedNetworks.aws.vpcIds[1]: vpc-0a1b2c3d4e5f60718 is listed twice. List each VPC once, with its own region.`,
    );
  });
});
