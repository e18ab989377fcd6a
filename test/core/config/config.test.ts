import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/config/config-error.ts';
import { parseConfigText, resolveConfigPath } from '../../../core/config/load.ts';
import { editedExample, exampleModel, exampleText, type Editable } from '../../helpers/config.ts';

/** The one line a user sees for this config, or a failure if it was accepted. */
function errorFor(edit: (c: Editable) => void): string {
  try {
    parseConfigText(editedExample(edit), 'guardrails.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('config was accepted');
}

describe('the example config', () => {
  it('loads, aggregates adjacent ranges and warns about documentation ranges', () => {
    const model = exampleModel();
    expect(model.trusted.cidrs).toEqual(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']);
    expect(model.aws?.modes).toEqual({ networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' });
    expect(model.warnings.map((w) => w.message).join('\n')).toMatch(/documentation ranges/);
  });

  it('applies per-control mode overrides', () => {
    const model = exampleModel((c) => {
      c.aws.controls = { logProtection: 'enforce' };
    });
    expect(model.aws?.modes).toEqual({ networkPerimeter: 'report', cloudShell: 'report', logProtection: 'enforce' });
  });

  it('warns about and merges duplicate and overlapping CIDRs', () => {
    const model = exampleModel((c) => c.trustedNetworks.cidrs.push('203.0.113.0/24', '203.0.113.64/26'));
    expect(model.trusted.cidrs).toContain('203.0.113.0/24');
    expect(model.trusted.cidrs.filter((x) => x.startsWith('203.0.113.'))).toHaveLength(1);
    const messages = model.warnings.map((w) => `${w.path}: ${w.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^trustedNetworks\.cidrs\[5\]: 203\.0\.113\.0\/24 overlaps/));
    expect(messages).toContainEqual(expect.stringMatching(/^trustedNetworks\.cidrs\[6\]: 203\.0\.113\.64\/26 overlaps/));
  });
});

describe('bad config is one line naming the field and the fix', () => {
  it.each<[string, (c: Editable) => void, RegExp]>([
    ['invalid CIDR', (c) => (c.trustedNetworks.cidrs[0] = '203.0.113.0/33'), /trustedNetworks\.cidrs\[0\]: "203\.0\.113\.0\/33" has prefix \/33/],
    ['garbage CIDR', (c) => (c.trustedNetworks.cidrs[1] = 'office'), /trustedNetworks\.cidrs\[1\]: "office" is not an IPv4 or IPv6 CIDR\. Write it as/],
    ['host bits set', (c) => (c.trustedNetworks.cidrs[0] = '192.0.2.10/24'), /trustedNetworks\.cidrs\[0\]: .*host bits set.*Write 192\.0\.2\.0\/24/],
    ['0.0.0.0/0', (c) => (c.trustedNetworks.cidrs[0] = '0.0.0.0/0'), /trustedNetworks\.cidrs\[0\]: 0\.0\.0\.0\/0 trusts the whole Internet/],
    ['::/0', (c) => (c.trustedNetworks.cidrs[4] = '::/0'), /trustedNetworks\.cidrs\[4\]: ::\/0 trusts the whole Internet/],
    ['prefix shorter than /8', (c) => (c.trustedNetworks.cidrs[0] = '64.0.0.0/3'), /trustedNetworks\.cidrs\[0\]: 64\.0\.0\.0\/3 is shorter than \/8/],
    ['private range', (c) => (c.trustedNetworks.cidrs[0] = '10.20.0.0/16'), /trustedNetworks\.cidrs\[0\]: 10\.20\.0\.0\/16 is in 10\.0\.0\.0\/8, private .*aws:SourceIp.*vpcIds/],
    ['IPv6 unique local', (c) => (c.trustedNetworks.cidrs[4] = 'fd12:3456::/32'), /trustedNetworks\.cidrs\[4\]: .*outside IPv6 global unicast/],
    [
      'enforce with no trusted context',
      (c) => {
        c.mode = 'enforce';
        c.trustedNetworks = {};
      },
      /^guardrails\.yaml:\d+ mode: enforce with no trusted context would deny every API call.*keep mode: report/,
    ],
    [
      'enforce override with no trusted context',
      (c) => {
        c.trustedNetworks = {};
        c.aws.controls = { networkPerimeter: 'enforce' };
      },
      /aws\.controls\.networkPerimeter: enforce with no trusted context/,
    ],
    ['enforce with no targets', (c) => ((c.mode = 'enforce'), (c.aws.targets = [])), /aws\.targets: is empty while networkPerimeter, cloudShell, logProtection are in enforce mode/],
    ['empty break-glass', (c) => (c.breakGlass.aws.roleArns = []), /breakGlass\.aws\.roleArns: is empty; every preventive control needs a way back in/],
    ['missing break-glass', (c) => delete c.breakGlass, /breakGlass\.aws\.roleArns: is empty/],
    ['break-glass matching every role', (c) => (c.breakGlass.aws.roleArns = ['arn:aws:iam::*:role/*']), /breakGlass\.aws\.roleArns\[0\]: .*matches every role/],
    ['malformed role ARN', (c) => (c.automation.aws.roleArns[1] = 'arn:aws:iam::1111:role/x'), /automation\.aws\.roleArns\[1\]: must be an IAM role ARN or ArnLike pattern/],
    ['user ARN as a role', (c) => (c.breakGlass.aws.roleArns = ['arn:aws:iam::111122223333:user/admin']), /breakGlass\.aws\.roleArns\[0\]: must be an IAM role ARN/],
    ['account id as a number', (c) => (c.aws.managementAccountId = 111122223333), /aws\.managementAccountId: must be a 12-digit account id in quotes/],
    ['short account id', (c) => (c.aws.managementAccountId = '1111'), /aws\.managementAccountId: must be a 12-digit AWS account id.*\(got "1111"\)/],
    ['malformed organization id', (c) => (c.aws.organizationId = 'org-1234'), /aws\.organizationId: must be an organization id/],
    ['malformed OU id', (c) => (c.aws.targets = ['ou-12']), /aws\.targets\[0\]: must be a root id \(r-xxxx\), an OU id/],
    ['malformed root id', (c) => (c.aws.targets = ['root-abcd']), /aws\.targets\[0\]: must be a root id/],
    ['VPC without region', (c) => (c.trustedNetworks.aws.vpcIds[0] = 'vpc-0a1b2c3d4e5f60718'), /trustedNetworks\.aws\.vpcIds\[0\]: /],
    ['malformed VPC endpoint', (c) => (c.trustedNetworks.aws.vpcEndpointIds[0] = 'vpc-0123'), /trustedNetworks\.aws\.vpcEndpointIds\[0\]: must be a VPC endpoint id/],
    ['SCP budget over the AWS limit', (c) => (c.aws.scpSizeBudget = 20000), /aws\.scpSizeBudget: is over AWS's limit of 10240 characters/],
    ['unknown key with a typo', (c) => ((c.aws.cloudShel = 'block'), delete c.aws.cloudShell), /aws\.cloudShel: is not a known setting\. Did you mean "cloudShell"\?/],
    ['unknown top-level key', (c) => (c.trustedNetwork = {}), /trustedNetwork: is not a known setting\. Did you mean "trustedNetworks"\?/],
    ['unknown key, nothing close', (c) => (c.notifications.pager = 'x'), /notifications\.pager: is not a known setting\. Known here: emails, webhooks/],
    ['bad mode', (c) => (c.mode = 'block'), /mode: must be "report" or "enforce" \(got "block"\)/],
    ['plain http webhook', (c) => (c.notifications.webhooks = ['http://hooks.example.com/x']), /notifications\.webhooks\[0\]: must be an https:\/\/ URL/],
    ['bad log retention', (c) => (c.aws.trail.logGroupRetentionDays = 100), /aws\.trail\.logGroupRetentionDays: must be one of CloudWatch Logs' retention periods/],
    ['expiry before deep archive', (c) => (c.aws.trail.expireAfterDays = 365), /aws\.trail\.expireAfterDays: .*must come after deepArchiveAfterDays/],
    ['expiry shorter than Object Lock', (c) => ((c.aws.trail.objectLockDays = 3000), (c.aws.trail.expireAfterDays = 2000)), /aws\.trail\.expireAfterDays: \(2000\) is shorter than objectLockDays/],
    ['Azure without a tenant', (c) => delete c.azure.tenantId, /azure\.tenantId: is required/],
    ['Azure tenant that is not a GUID', (c) => (c.azure.tenantId = 'contoso.onmicrosoft.com'), /azure\.tenantId: must be the Entra tenant id \(a GUID\)/],
    ['Azure subscription that is not a GUID', (c) => (c.azure.subscriptionIds = ['prod']), /azure\.subscriptionIds\[0\]: must be a subscription id \(a GUID\)/],
    ['Azure break-glass id that is not a GUID', (c) => (c.breakGlass.azure.userObjectIds = ['admin@contoso.com']), /breakGlass\.azure\.userObjectIds\[0\]: must be an Entra object id/],
    ['Azure enforce without break-glass', (c) => ((c.mode = 'enforce'), delete c.breakGlass.azure), /breakGlass\.azure: has no userObjectIds or groupObjectIds; every Conditional Access policy must exclude an emergency-access account/],
    ['Azure policy path without a management group', (c) => ((c.azure.activityLogDeployment = 'policy'), delete c.azure.managementGroupId), /azure\.managementGroupId: is required when activityLogDeployment is policy/],
    ['Azure per-subscription path without subscriptions', (c) => (c.azure.subscriptionIds = []), /azure\.subscriptionIds: is empty, so no subscription would send its Activity Log anywhere/],
    ['a trusted range too wide for a named location', (c) => (c.trustedNetworks.cidrs = ['4.0.0.0/6']), /trustedNetworks\.cidrs\[0\]: 4\.0\.0\.0\/6 is shorter than \/8/],
    ['GCP organization id not numeric', (c) => (c.gcp.organizationId = 'example.com'), /gcp\.organizationId: must be the numeric organization id/],
    ['GCP organization id as a YAML number', (c) => (c.gcp.organizationId = 123456789012), /gcp\.organizationId: must be the numeric organization id in quotes/],
    ['GCP admin group without directory id', (c) => delete c.gcp.adminGroup.directoryId, /gcp\.adminGroup\.directoryId: is missing for gcp-admins@example\.com; GcpUserAccessBinding binds a group by its directory id.*gcloud identity groups describe/],
    ['GCP without break-glass', (c) => delete c.breakGlass.gcp, /breakGlass\.gcp\.members: is empty; the IAM deny policy and access levels need a way back in/],
    ['GCP enforce without break-glass', (c) => ((c.mode = 'enforce'), (c.breakGlass.gcp.members = [])), /breakGlass\.gcp\.members: is empty/],
    ['GCP break-glass member without a kind', (c) => (c.breakGlass.gcp.members = ['breakglass@example.com']), /breakGlass\.gcp\.members\[0\]: must be user:EMAIL, group:EMAIL or serviceAccount:EMAIL/],
    ['GCP project id instead of number in the perimeter', (c) => (c.gcp.vpcScProjects = ['guardrails-logs']), /gcp\.vpcScProjects\[0\]: must be a project number/],
    ['GCP automation account that is not a service account', (c) => (c.automation.gcp.serviceAccounts = ['ci@example.com']), /automation\.gcp\.serviceAccounts\[0\]: must be a service account email/],
  ])('%s', (_name, edit, expected) => {
    expect(errorFor(edit)).toMatch(expected);
  });

  it('names the file and line of the offending field', () => {
    const text = exampleText().replace('  cloudShell: vpcOnly', '  cloudShel: vpcOnly');
    const line = text.split('\n').findIndex((l) => l.includes('cloudShel:')) + 1;
    expect(() => parseConfigText(text, 'guardrails.yaml')).toThrow(`guardrails.yaml:${line} aws.cloudShel: is not a known setting. Did you mean "cloudShell"?`);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(() => parseConfigText('mode: report\ntrustedNetworks: [\n', 'g.yaml')).toThrow(/^g\.yaml:\d+ \(yaml\): /);
    expect(() => parseConfigText('mode: report\nmode: enforce\n', 'g.yaml')).toThrow(/g\.yaml:2 \(yaml\): Map keys must be unique/);
  });

  it('warns when a target is the management account, where SCPs never apply', () => {
    const model = exampleModel((c) => c.aws.targets.push('111122223333'));
    expect(model.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/management account: SCPs never apply to it/));
  });
});

describe('resolveConfigPath', () => {
  const cwd = new URL('../../..', import.meta.url).pathname;

  it('prefers the cdk context, then the environment variable', () => {
    expect(resolveConfigPath({ explicit: 'guardrails.example.yaml', env: 'nope.yaml', cwd }).path).toMatch(/guardrails\.example\.yaml$/);
    expect(() => resolveConfigPath({ env: 'nope.yaml', cwd })).toThrow(/\$GUARDRAILS_CONFIG: .*nope\.yaml does not exist/);
  });

  it('falls back to the example with a notice when there is no guardrails.yaml', () => {
    const source = resolveConfigPath({ cwd: `${cwd}/test/fixtures` .replace('//', '/') });
    expect(source.path).toMatch(/guardrails\.example\.yaml$/);
    expect(source.notice).toMatch(/^notice: no guardrails\.yaml/);
  });
});
