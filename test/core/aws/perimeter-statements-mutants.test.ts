/**
 * perimeterStatements' notes: the warning that an enforced network perimeter without enforced
 * logProtection leaves the exempted roles open to anyone with IAM permissions. Written for the surviving
 * mutants of core/aws/perimeter-statements.ts.
 */
import { describe, expect, it } from 'vitest';
import { perimeterStatements } from '../../../core/aws/perimeter-statements.ts';
import type { Mode } from '../../../core/config/schema.ts';
import { exampleModel } from '../../helpers/config.ts';

const model = exampleModel();
const DEFAULT_SCOPE = {
  control: 'networkPerimeter',
  note: 'deny by default: service roles that AWS services use from their own networks (e.g. a Lambda execution role polling SQS or decrypting with KMS, CodeBuild, Step Functions, EventBridge targets) are denied unless listed in automation.aws.roleArns or tagged exempt; aws.perimeterIncludeTag switches to opt-in',
};
const VPC_ONLY = {
  control: 'cloudShell',
  note: 'vpcOnly denies creating CloudShell environments outside a VPC; environments created before enforcement keep working until deleted (use block to stop them)',
};
const UNPROTECTED_EXEMPTIONS = {
  control: 'logProtection',
  note: 'networkPerimeter is enforced but logProtection is not: the roles the perimeter exempts can be created, re-trusted or re-tagged by anyone with IAM permissions',
};

function notesWith(networkPerimeter: Mode, logProtection: Mode) {
  const aws = { ...model.aws!, modes: { ...model.aws!.modes, networkPerimeter, logProtection } };
  return perimeterStatements(aws, model.trusted).notes;
}

describe('perimeterStatements notes', () => {
  it('warns when networkPerimeter is enforced and logProtection is in report mode', () => {
    expect(notesWith('enforce', 'report')).toEqual([DEFAULT_SCOPE, VPC_ONLY, UNPROTECTED_EXEMPTIONS]);
  });

  it('does not warn when both are enforced, both report, or only logProtection is enforced', () => {
    expect(notesWith('enforce', 'enforce')).toEqual([DEFAULT_SCOPE, VPC_ONLY]);
    expect(notesWith('report', 'report')).toEqual([DEFAULT_SCOPE, VPC_ONLY]);
    expect(notesWith('report', 'enforce')).toEqual([DEFAULT_SCOPE, VPC_ONLY]);
  });
});
