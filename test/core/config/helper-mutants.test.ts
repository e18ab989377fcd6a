/**
 * The small helpers of core/config (did-you-mean.ts, config-error.ts, aws-regions.ts) and the read-error and
 * schema-path branches of load.ts, for the mutants the StrykerJS run of core/config left alive or uncovered
 * (bench/mutation-results.md, bench/mutation-triage.json): each case pins the exact text a user sees.
 */
import { describe, expect, it } from 'vitest';
import { awsRegionProblem } from '../../../core/config/aws-regions.ts';
import { ConfigError } from '../../../core/config/config-error.ts';
import { closest } from '../../../core/config/did-you-mean.ts';
import { roleArnProblem } from '../../../core/config/role-arn.ts';
import { loadConfigFile, parseConfigText } from '../../../core/config/load.ts';
import { configErrorOf, exampleText } from '../../helpers/config.ts';

describe('closest (did you mean)', () => {
  it('accepts a candidate exactly at the distance limit (2 edits for a short word)', () => {
    expect(closest('abcd', ['abzz'])).toBe('abzz');
    expect(closest('abcd', ['azzz'])).toBeUndefined();
  });

  it('allows a third of a long word as edits (12 letters: 4), never fewer than 2', () => {
    expect(closest('abcdefghijkl', ['abcdefghixyz'])).toBe('abcdefghixyz');
    expect(closest('abcdefghijkl', ['abcdefgwxyzq'])).toBeUndefined();
  });

  it('measures the whole word: the last letter counts, and the first of equally close candidates wins', () => {
    // Without the last row of the edit-distance table, "abcdy" would look like "abcd" (0 edits) and win.
    expect(closest('abcdy', ['abcdx', 'abcd'])).toBe('abcdx');
  });
});

describe('ConfigError', () => {
  it('is one line: runs of white space (line breaks included) become one space', () => {
    const error = new ConfigError('aws.homeRegion', 'is\n   not  valid', 'Fix\tit.', 'g.yaml:3');
    expect(error.message).toBe('g.yaml:3 aws.homeRegion: is not valid. Fix it.');
    expect(error.name).toBe('ConfigError');
    // And nothing is left at either end, from a fix that ends in a line break for instance.
    expect(new ConfigError('mode', 'is wrong', 'Use report.\n').message).toBe('mode: is wrong. Use report.');
  });
});

describe('awsRegionProblem', () => {
  it('suggests only regions of the configured partition', () => {
    // cn-north-1 is one edit away but is in aws-cn; in partition aws the nearest is eu-north-1.
    expect(awsRegionProblem('cn-nort-1', 'aws')).toEqual({ problem: '"cn-nort-1" is not an AWS region', fix: 'Did you mean "eu-north-1"?' });
  });
});

describe('loadConfigFile: a file that exists but cannot be read', () => {
  // /proc/self/mem exists and stats as an empty regular file, but reading it from offset 0 fails with EIO.
  it.runIf(process.platform === 'linux')('names the file and the system error, without the path Node appends', () => {
    expect(configErrorOf(() => loadConfigFile('/proc/self/mem'))).toBe("mem: cannot be read (EIO: i/o error). Check the path and the file's permissions.");
  });
});

describe('schema errors', () => {
  it('names the top level when the document is not a mapping', () => {
    expect(configErrorOf(() => parseConfigText('42\n', 'g.yaml'))).toBe(
      'g.yaml:1 (top level): Invalid input: expected object, received number (got 42). See guardrails.example.yaml and guardrails.schema.json.',
    );
  });

  it('lists the keys allowed inside an array element (trustedNetworks.aws.vpcIds[0])', () => {
    const text = exampleText().replace('{ id: vpc-0a1b2c3d4e5f60718, region: us-east-1 }', '{ id: vpc-0a1b2c3d4e5f60718, region: us-east-1, rgion: x }');
    expect(configErrorOf(() => parseConfigText(text, 'g.yaml'))).toBe(
      'g.yaml:23 trustedNetworks.aws.vpcIds[0].rgion: is not a known setting. Did you mean "region"?',
    );
  });
});

describe('roleArnProblem: reserved roles and catch-all patterns', () => {
  it('refuses any run of wildcards and slashes as "every role", with the fix', () => {
    for (const arn of ['arn:aws:iam::*:role/**', 'arn:aws:iam::*:role/*/*', 'arn:aws:iam::*:role/?*']) {
      expect(roleArnProblem(arn, 'aws')).toEqual({
        problem: `${arn} matches every role, which exempts everyone from every control`,
        fix: 'Name the roles (a prefix such as role/BreakGlass* is fine).',
      });
    }
  });

  it('checks the Identity Center name prefix on the role name, below any path', () => {
    expect(roleArnProblem('arn:aws:iam::*:role/AWSReservedSSO_Admin_0123456789abcdef', 'aws')?.problem).toBe(
      "arn:aws:iam::*:role/AWSReservedSSO_Admin_0123456789abcdef is one of IAM Identity Center's permission-set roles (AWSReservedSSO_*), so whoever Identity Center assigns the permission set to would be exempt, decided outside IAM",
    );
    expect(roleArnProblem('arn:aws:iam::*:role/ops/AWSReservedSSO_Admin*', 'aws')?.problem).toBe(
      "arn:aws:iam::*:role/ops/AWSReservedSSO_Admin* can match IAM Identity Center's permission-set roles (AWSReservedSSO_*), so whoever Identity Center assigns the permission set to would be exempt, decided outside IAM",
    );
  });

  it('checks the reserved paths on the path only: a name that merely starts like one is fine', () => {
    // role/ab/aws-reserved* is named "aws-reserved..." under the path /ab/, which AWS does not reserve.
    expect(roleArnProblem('arn:aws:iam::*:role/ab/aws-reserved*', 'aws')).toBeUndefined();
    expect(roleArnProblem('arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/Admin', 'aws')?.problem).toBe(
      'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/Admin is one of the AWS-managed roles under role/aws-reserved/, which AWS services create and assign (IAM Identity Center keeps its permission-set roles there)',
    );
  });
});
