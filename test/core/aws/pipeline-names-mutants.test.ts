/** The alarm pipeline's exact ARNs (core/aws/pipeline-names.ts), from the security account and home region. */
import { describe, expect, it } from 'vitest';
import { pipelineNames } from '../../../core/aws/pipeline-names.ts';

describe('pipeline names', () => {
  it('put the topic and the central bus in the security account and home region, and match the forwarding and StackSet roles in any account', () => {
    const names = pipelineNames({
      accounts: { management: '111122223333', logArchive: '222233334444', security: '999988887777' },
      homeRegion: 'eu-west-1',
    });
    expect(names).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:999988887777:guardrails-alerts',
      centralBusArn: 'arn:aws:events:eu-west-1:999988887777:event-bus/guardrails-central',
      forwardingRoleArnPattern: 'arn:aws:iam::*:role/guardrails-event-forwarding',
      stackSetExecutionRoleArnPattern: 'arn:aws:iam::*:role/stacksets-exec-*',
    });
  });
});
