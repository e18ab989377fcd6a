/**
 * What the engine refuses in a Sigma rule, and how: one RuleError line naming the file, the key and the
 * reason. The encoding modifiers (Spec "Encoding" and `windash`, sigma-specification
 * specification/sigma-appendix-modifiers.md) have no meaning for cloud logs; anything unknown is named.
 */
import { describe, expect, it } from 'vitest';
import { expandRule } from '../../../core/detection/expand.ts';
import { PLACEHOLDER_NAMES } from '../../../core/detection/placeholders.ts';
import { RuleError } from '../../../core/detection/rule-error.ts';
import { parseSigmaRule } from '../../../core/detection/rule-loader.ts';

/** A Sigma rule with one selection; returns the error its loading (which checks the detection) raises. */
function refusal(selection: string, condition = 'selection'): RuleError {
  const body = selection
    .trim()
    .split('\n')
    .map((line) => `        ${line}`)
    .join('\n');
  const text = `title: Refusal Probe
id: 0b7e6a52-3c1d-4f8e-9a2b-5c6d7e8f9a0b
status: test
description: A rule the engine should refuse, with the reason.
logsource:
    product: azure
    service: activitylogs
detection:
    selection:
${body}
    condition: ${condition}
level: medium
`;
  try {
    parseSigmaRule(text, 'refusal.yml');
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error(`expected a RuleError for:\n${text}`);
}

describe('modifiers without meaning for cloud logs are refused with the reason', () => {
  it.each<[string, RegExp]>([
    ['windash', /command-line flags.*cloud audit logs record API requests, not command lines/],
    ['base64', /base64 encoding.*plain JSON/],
    ['base64offset', /base64-encoded text.*plain JSON/],
    ['wide', /UTF-16 encoding.*JSON text/],
    ['utf16', /UTF-16 encoding.*JSON text/],
    ['utf16le', /UTF-16 encoding.*JSON text/],
    ['utf16be', /UTF-16 encoding.*JSON text/],
  ])('|%s', (modifier, why) => {
    const error = refusal(`Properties|${modifier}|contains: 'Set-MpPreference'`);
    expect(error.message).toMatch(
      new RegExp(`^refusal\\.yml: detection\\.selection\\.Properties\\|${modifier}\\|contains: \\|${modifier} has no meaning for cloud logs: `),
    );
    expect(error.problem).toMatch(why);
    expect(error.message).not.toContain('\n');
  });
});

describe('unknown and unsupported modifiers are named', () => {
  it('a misspelt modifier lists the known ones', () => {
    expect(refusal(`OperationNameValue|startwith: MICROSOFT.INSIGHTS/`).message).toMatch(
      /detection\.selection\.OperationNameValue\|startwith: unknown modifier "startwith" \(known: contains, startswith, endswith, re, i, m, s, cidr, exists, all, cased, neq, gt, gte, lt, lte, fieldref, expand\)/,
    );
  });
  it.each(['minute', 'hour', 'day', 'week', 'month', 'year'])('the time-part modifier |%s', (modifier) => {
    expect(refusal(`TimeGenerated|${modifier}: 3`).problem).toBe(`|${modifier} (a Sigma time-part modifier) is not supported`);
  });
});

describe('modifier combinations and values that make no sense are refused', () => {
  it.each<[string, string]>([
    [`OperationNameValue|contains|i: write`, '|i is a flag of |re (regular expressions)'],
    [`OperationNameValue|m: x`, '|m is a flag of |re (regular expressions)'],
    [`OperationNameValue|re|i|cased: '^x'`, '|cased and |i contradict each other'],
    [`Level|gt: '4'`, '|gt takes numbers (got "4")'],
    [`Level|lte: high`, '|lte takes numbers (got "high")'],
    [`Caller|fieldref: 'Claims.*'`, '|fieldref takes field names without wildcards (got "Claims.*")'],
    [`Caller|fieldref: 42`, '|fieldref takes field names (got 42)'],
    [
      `Caller|fieldref|contains: Claims.upn`,
      'combine at most one of gt/gte/lt/lte/fieldref/contains/startswith/endswith/re/cidr/exists (got fieldref, contains)',
    ],
    [`Caller|re|expand: '%trustedNetworks.cidrs%'`, '|expand fills in text values; it does not combine with |re'],
    [`CallerIpAddress|cidr|cased: 10.0.0.0/8`, '|cased applies to text comparisons, not |cidr'],
    [`Caller|exists: 'yes'`, '|exists takes true or false'],
    [`Caller|contains: 5`, '|contains takes strings'],
    [`Caller|re: '(unclosed'`, '|re value is not a valid regular expression: Invalid regular expression: /(unclosed/: Unterminated group'],
  ])('%s', (selection, problem) => {
    expect(refusal(selection).problem).toBe(problem);
  });
  it('a keyword key takes only |all and |cased', () => {
    expect(refusal(`'|re': 'x.*y'`).problem).toBe('a keyword (no field before the |) takes only |all and |cased (got |re)');
  });
});

describe('conditions', () => {
  it('a Sigma 1 aggregation points to correlation rules', () => {
    expect(refusal(`Caller: x`, 'selection | count() by Caller > 5').problem).toBe(
      'aggregations ("| count() ...") are not supported; Sigma 2 expresses them as correlation rules',
    );
  });
  it('a selection the condition names but the rule lacks', () => {
    expect(refusal(`Caller: x`, 'selection and not filter').message).toMatch(/detection\.condition: "filter" is not a selection \(have: selection\)/);
  });
});

describe('checking a rule needs no config', () => {
  it('every placeholder name is known to the check, and a known one passes', () => {
    const text = `title: Expand Probe
logsource:
    product: azure
    service: activitylogs
detection:
    selection:
        CallerIpAddress|cidr|expand: '%trustedNetworks.cidrs%'
    condition: not selection
`;
    const rule = parseSigmaRule(text, 'expand.yml');
    expect(() => expandRule(rule, Object.fromEntries(PLACEHOLDER_NAMES.map((n) => [n, ['10.0.0.0/8']])))).not.toThrow();
  });
});
