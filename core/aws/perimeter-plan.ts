/**
 * From the validated model to the SCPs to create: statements, packing, and the vocabulary check.
 * Async only because the IAM reference data loads lazily; the CDK construct takes the finished plan.
 */
import { ConfigError } from '../config/config-error.ts';
import type { GuardrailsModel } from '../config/model.ts';
import { perimeterStatements, type PerimeterNote } from './perimeter-statements.ts';
import { checkPolicyVocabulary } from './policy-vocabulary.ts';
import { packingLimits, packStatements, type PackedPolicy } from './scp-packing.ts';

export interface PerimeterPlan {
  readonly policies: readonly PackedPolicy[];
  /** Attachment targets for enforce-mode policies (report-mode policies are attached to nothing). */
  readonly targets: readonly string[];
  readonly notes: readonly PerimeterNote[];
}

export async function planPerimeter(model: GuardrailsModel): Promise<PerimeterPlan> {
  const aws = model.aws;
  if (!aws) throw new ConfigError('aws', 'is missing', 'Add an aws section (see guardrails.example.yaml).');
  const { statements, notes } = perimeterStatements(aws, model.trusted);
  const policies = packStatements(statements, aws.modes, packingLimits(aws), model.trusted);
  const [problem] = await checkPolicyVocabulary(policies);
  if (problem) {
    // The kit's own statements are checked in tests; what reaches here came from config (tags, ARNs).
    throw new ConfigError(`SCP ${problem.policy} statement ${problem.sid}`, problem.problem, 'Fix the action or condition named; a Deny with an unknown name denies nothing.');
  }
  return { policies, targets: aws.targets, notes };
}
