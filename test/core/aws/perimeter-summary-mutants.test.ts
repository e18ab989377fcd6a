/** The plain lines `guardrails plan` prints for a perimeter plan. Written for the mutants of core/aws/perimeter-summary.ts. */
import { describe, expect, it } from 'vitest';
import type { PerimeterPlan } from '../../../core/aws/perimeter-plan.ts';
import { describePerimeterPlan } from '../../../core/aws/perimeter-summary.ts';

const document = { Version: '2012-10-17', Statement: [] } as const;

describe('describePerimeterPlan', () => {
  it('says where each SCP is attached, its controls and size, then the notes and the management-account caveat', () => {
    const plan: PerimeterPlan = {
      policies: [
        { name: 'guardrails-enforce-1', mode: 'enforce', controls: ['networkPerimeter', 'logProtection'], document, size: 5120 },
        { name: 'guardrails-report-1', mode: 'report', controls: ['cloudShell', 'networkPerimeter'], document, size: 300 },
      ],
      targets: ['r-ab12', 'ou-ab12-34cd56ef'],
      notes: [{ control: 'cloudShell', note: 'something to know' }],
    };
    expect(describePerimeterPlan(plan)).toEqual([
      'SCP guardrails-enforce-1: ENFORCE, attached to r-ab12, ou-ab12-34cd56ef (networkPerimeter, logProtection; 5120 characters)',
      'SCP guardrails-report-1: REPORT, created but attached to nothing (cloudShell, networkPerimeter; 300 characters)',
      'note: cloudShell: something to know',
      'note: SCPs never apply to the management account; it is protected only by IAM, MFA and the alarms.',
    ]);
  });

  it('prints only the management-account caveat for an empty plan', () => {
    expect(describePerimeterPlan({ policies: [], targets: [], notes: [] })).toEqual([
      'note: SCPs never apply to the management account; it is protected only by IAM, MFA and the alarms.',
    ]);
  });
});
