import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/config/config-error.ts';
import { parseConfigText, resolveConfigPath } from '../../../core/config/load.ts';
import { configErrorOf, editedExample, exampleModel, exampleText, type Editable } from '../../helpers/config.ts';

/** The one line a user sees for this config, or a failure if it was accepted. */
function errorFor(edit: (c: Editable) => void): string {
  return configErrorOf(() => parseConfigText(editedExample(edit), 'guardrails.yaml'));
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
    [
      'private range',
      (c) => (c.trustedNetworks.cidrs[0] = '10.20.0.0/16'),
      /trustedNetworks\.cidrs\[0\]: 10\.20\.0\.0\/16 is in 10\.0\.0\.0\/8, private .*aws:SourceIp.*vpcIds/,
    ],
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
    [
      'enforce with no targets',
      (c) => ((c.mode = 'enforce'), (c.aws.targets = [])),
      /aws\.targets: is empty while networkPerimeter, cloudShell, logProtection are in enforce mode/,
    ],
    ['empty break-glass', (c) => (c.breakGlass.aws.roleArns = []), /breakGlass\.aws\.roleArns: is empty; every preventive control needs a way back in/],
    ['missing break-glass', (c) => delete c.breakGlass, /breakGlass\.aws\.roleArns: is empty/],
    ['break-glass matching every role', (c) => (c.breakGlass.aws.roleArns = ['arn:aws:iam::*:role/*']), /breakGlass\.aws\.roleArns\[0\]: .*matches every role/],
    [
      'malformed role ARN',
      (c) => (c.automation.aws.roleArns[1] = 'arn:aws:iam::1111:role/x'),
      /automation\.aws\.roleArns\[1\]: must be an IAM role ARN or ArnLike pattern/,
    ],
    [
      'user ARN as a role',
      (c) => (c.breakGlass.aws.roleArns = ['arn:aws:iam::111122223333:user/admin']),
      /breakGlass\.aws\.roleArns\[0\]: must be an IAM role ARN/,
    ],
    ['account id as a number', (c) => (c.aws.managementAccountId = 111122223333), /aws\.managementAccountId: must be a 12-digit account id in quotes/],
    ['short account id', (c) => (c.aws.managementAccountId = '1111'), /aws\.managementAccountId: must be a 12-digit AWS account id.*\(got "1111"\)/],
    ['malformed organization id', (c) => (c.aws.organizationId = 'org-1234'), /aws\.organizationId: must be an organization id/],
    ['malformed OU id', (c) => (c.aws.targets = ['ou-12']), /aws\.targets\[0\]: must be a root id \(r-xxxx\), an OU id/],
    ['malformed root id', (c) => (c.aws.targets = ['root-abcd']), /aws\.targets\[0\]: must be a root id/],
    ['VPC without region', (c) => (c.trustedNetworks.aws.vpcIds[0] = 'vpc-0a1b2c3d4e5f60718'), /trustedNetworks\.aws\.vpcIds\[0\]: /],
    [
      'malformed VPC endpoint',
      (c) => (c.trustedNetworks.aws.vpcEndpointIds[0] = 'vpc-0123'),
      /trustedNetworks\.aws\.vpcEndpointIds\[0\]: must be a VPC endpoint id/,
    ],
    ['SCP budget over the AWS limit', (c) => (c.aws.scpSizeBudget = 20000), /aws\.scpSizeBudget: is over AWS's limit of 10240 characters/],
    [
      'unknown key with a typo',
      (c) => ((c.aws.cloudShel = 'block'), delete c.aws.cloudShell),
      /aws\.cloudShel: is not a known setting\. Did you mean "cloudShell"\?/,
    ],
    ['unknown top-level key', (c) => (c.trustedNetwork = {}), /trustedNetwork: is not a known setting\. Did you mean "trustedNetworks"\?/],
    ['unknown key, nothing close', (c) => (c.notifications.pager = 'x'), /notifications\.pager: is not a known setting\. Known here: emails, webhooks/],
    ['bad mode', (c) => (c.mode = 'block'), /mode: must be "report" or "enforce" \(got "block"\)/],
    ['plain http webhook', (c) => (c.notifications.webhooks = ['http://hooks.example.com/x']), /notifications\.webhooks\[0\]: must be an https:\/\/ URL/],
    [
      'bad log retention',
      (c) => (c.aws.trail.logGroupRetentionDays = 100),
      /aws\.trail\.logGroupRetentionDays: must be one of CloudWatch Logs' retention periods/,
    ],
    ['expiry before deep archive', (c) => (c.aws.trail.expireAfterDays = 365), /aws\.trail\.expireAfterDays: .*must come after deepArchiveAfterDays/],
    [
      'expiry shorter than Object Lock',
      (c) => ((c.aws.trail.objectLockDays = 3000), (c.aws.trail.expireAfterDays = 2000)),
      /aws\.trail\.expireAfterDays: \(2000\) is shorter than objectLockDays/,
    ],
    ['Azure without a tenant', (c) => delete c.azure.tenantId, /azure\.tenantId: is required/],
    ['Azure tenant that is not a GUID', (c) => (c.azure.tenantId = 'contoso.onmicrosoft.com'), /azure\.tenantId: must be the Entra tenant id \(a GUID\)/],
    ['Azure subscription that is not a GUID', (c) => (c.azure.subscriptionIds = ['prod']), /azure\.subscriptionIds\[0\]: must be a subscription id \(a GUID\)/],
    [
      'Azure break-glass id that is not a GUID',
      (c) => (c.breakGlass.azure.userObjectIds = ['admin@contoso.com']),
      /breakGlass\.azure\.userObjectIds\[0\]: must be an Entra object id/,
    ],
    [
      'Azure enforce without break-glass',
      (c) => ((c.mode = 'enforce'), delete c.breakGlass.azure),
      /breakGlass\.azure: has no userObjectIds or groupObjectIds; every Conditional Access policy must exclude an emergency-access account/,
    ],
    [
      'Azure policy path without a management group',
      (c) => ((c.azure.activityLogDeployment = 'policy'), delete c.azure.managementGroupId),
      /azure\.managementGroupId: is required when activityLogDeployment is policy/,
    ],
    [
      'Azure per-subscription path without subscriptions',
      (c) => (c.azure.subscriptionIds = []),
      /azure\.subscriptionIds: is empty, so no subscription would send its Activity Log anywhere/,
    ],
    [
      'a trusted range too wide for a named location',
      (c) => (c.trustedNetworks.cidrs = ['4.0.0.0/6']),
      /trustedNetworks\.cidrs\[0\]: 4\.0\.0\.0\/6 is shorter than \/8/,
    ],
    ['GCP organization id not numeric', (c) => (c.gcp.organizationId = 'example.com'), /gcp\.organizationId: must be the numeric organization id/],
    [
      'GCP organization id as a YAML number',
      (c) => (c.gcp.organizationId = 123456789012),
      /gcp\.organizationId: must be the numeric organization id in quotes/,
    ],
    [
      'GCP admin group without directory id',
      (c) => delete c.gcp.adminGroup.directoryId,
      /gcp\.adminGroup\.directoryId: is missing for gcp-admins@example\.com; GcpUserAccessBinding binds a group by its directory id.*gcloud identity groups describe/,
    ],
    ['GCP without break-glass', (c) => delete c.breakGlass.gcp, /breakGlass\.gcp\.members: is empty; the IAM deny policy and access levels need a way back in/],
    ['GCP enforce without break-glass', (c) => ((c.mode = 'enforce'), (c.breakGlass.gcp.members = [])), /breakGlass\.gcp\.members: is empty/],
    [
      'GCP break-glass member without a kind',
      (c) => (c.breakGlass.gcp.members = ['breakglass@example.com']),
      /breakGlass\.gcp\.members\[0\]: must be user:EMAIL, group:EMAIL or serviceAccount:EMAIL/,
    ],
    [
      'GCP project id instead of number in the perimeter',
      (c) => (c.gcp.vpcScProjects = ['guardrails-logs']),
      /gcp\.vpcScProjects\[0\]: must be a project number/,
    ],
    [
      'GCP automation account that is not a service account',
      (c) => (c.automation.gcp.serviceAccounts = ['ci@example.com']),
      /automation\.gcp\.serviceAccounts\[0\]: must be a service account email/,
    ],
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

  it('names the flag the path came from when it does not exist or is a directory', () => {
    const messageOf = (options: Parameters<typeof resolveConfigPath>[0]) => {
      try {
        resolveConfigPath(options);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('path was accepted');
    };
    expect(messageOf({ explicit: 'x.yaml', explicitFlag: '--config', cwd })).toBe(`--config: ${cwd}x.yaml does not exist. Point it at a guardrails YAML file.`);
    expect(messageOf({ explicit: 'x.yaml', cwd })).toBe(`-c guardrailsConfig: ${cwd}x.yaml does not exist. Point it at a guardrails YAML file.`);
    expect(messageOf({ explicit: 'test', explicitFlag: '--config', cwd })).toBe(`--config: ${cwd}test is a directory. Point it at a guardrails YAML file.`);
    expect(messageOf({ env: 'test', explicitFlag: '--config', cwd })).toBe(
      `$GUARDRAILS_CONFIG: ${cwd}test is a directory. Point it at a guardrails YAML file.`,
    );
  });

  it('falls back to the example with a notice when there is no guardrails.yaml', () => {
    const source = resolveConfigPath({ cwd: `${cwd}/test/fixtures`.replace('//', '/') });
    expect(source.path).toMatch(/guardrails\.example\.yaml$/);
    expect(source.notice).toMatch(/^notice: no guardrails\.yaml/);
  });
});

/** The one-line message without its `guardrails.yaml:LINE ` prefix (the line depends on the edited layout). */
function problemFor(edit: (c: Editable) => void): string {
  const message = errorFor(edit);
  expect(message).toMatch(/^guardrails\.yaml:\d+ /);
  return message.replace(/^guardrails\.yaml:\d+ /, '');
}

const warningsFor = (edit: (c: Editable) => void) => exampleModel(edit).warnings.map((w) => `${w.path}: ${w.message}`);

const NEVER_MATCHES =
  "the cloud only ever sees a caller's public address, so this range never matches (aws:SourceIp, named locations and access levels see the NAT or proxy address)";
const TUNNEL_FIX = 'Trust the public IPv4 egress address the tunnel runs over instead.';
const RESERVED_FIX = 'Exempt only roles your organisation creates and names, e.g. arn:aws:iam::*:role/BreakGlass*.';

describe('the shipped example', () => {
  it('has no warnings but the documentation ranges', () => {
    expect(exampleModel().warnings).toEqual([
      {
        path: 'trustedNetworks.cidrs',
        message:
          '192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/25, 203.0.113.128/25, 2001:db8::/32 are documentation ranges (RFC 5737/3849/9637): fine for trying the kit, but replace with your real egress ranges before enforce',
      },
    ]);
    expect(exampleModel().aws?.partition).toBe('aws');
  });
});

describe('trusted IPv6 ranges', () => {
  const v6 = (cidr: string) => (c: Editable) => (c.trustedNetworks.cidrs[4] = cidr);
  it.each<[string, string]>([
    [
      '2001:db8::/31',
      "trustedNetworks.cidrs[4]: 2001:db8::/31 is shorter than /32; one organisation's IPv6 allocation is a /32 (an ISP or LIR) to a /48 (one site), so this trusts other organisations too. List your own IPv6 egress prefixes (/32 or longer).",
    ],
    [
      '3fff::/20',
      "trustedNetworks.cidrs[4]: 3fff::/20 is shorter than /32; one organisation's IPv6 allocation is a /32 (an ISP or LIR) to a /48 (one site), so this trusts other organisations too. List your own IPv6 egress prefixes (/32 or longer).",
    ],
    ['2002:cb00:7100::/40', `trustedNetworks.cidrs[4]: 2002:cb00:7100::/40 is in 2002::/16, 6to4 (RFC 3056); ${NEVER_MATCHES}. ${TUNNEL_FIX}`],
    ['2001::/32', `trustedNetworks.cidrs[4]: 2001::/32 is in 2001::/32, Teredo (RFC 4380); ${NEVER_MATCHES}. ${TUNNEL_FIX}`],
    [
      '2001:100::/32',
      `trustedNetworks.cidrs[4]: 2001:100::/32 is in 2001::/23, IETF protocol assignments (RFC 2928); ${NEVER_MATCHES}. Use your public IPv6 egress prefix.`,
    ],
    ['2001:2::/48', `trustedNetworks.cidrs[4]: 2001:2::/48 is in 2001:2::/48, benchmarking (RFC 5180); ${NEVER_MATCHES}. Use your public IPv6 egress prefix.`],
    ['2001:20::/32', `trustedNetworks.cidrs[4]: 2001:20::/32 is in 2001:20::/28, ORCHIDv2 (RFC 7343); ${NEVER_MATCHES}. Use your public IPv6 egress prefix.`],
    [
      '2001:10::/32',
      `trustedNetworks.cidrs[4]: 2001:10::/32 is in 2001:10::/28, ORCHID, deprecated (RFC 4843); ${NEVER_MATCHES}. Use your public IPv6 egress prefix.`,
    ],
    [
      '5f00:1::/32',
      `trustedNetworks.cidrs[4]: 5f00:1::/32 is in 5f00::/16, SRv6 segment identifiers (RFC 9602); ${NEVER_MATCHES}. Use your public IPv6 egress prefix.`,
    ],
  ])('refuses %s', (cidr, expected) => {
    expect(problemFor(v6(cidr))).toBe(expected);
  });

  it('accepts the documentation prefixes 2001:db8::/32 (outside 2001::/23) and 3fff::/20 with the documentation warning', () => {
    const warnings = warningsFor((c) => c.trustedNetworks.cidrs.splice(4, 1, '2001:db8::/32', '3fff:100::/32'));
    expect(warnings).toContain(
      'trustedNetworks.cidrs: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/25, 203.0.113.128/25, 2001:db8::/32, 3fff:100::/32 are documentation ranges (RFC 5737/3849/9637): fine for trying the kit, but replace with your real egress ranges before enforce',
    );
  });
});

describe('broad IPv4 ranges', () => {
  it('accepts a range between /8 and /16 with a warning naming its size', () => {
    expect(warningsFor((c) => (c.trustedNetworks.cidrs[0] = '198.0.0.0/12'))).toContain(
      "trustedNetworks.cidrs[0]: 198.0.0.0/12 covers 1,048,576 addresses; an organisation's egress is rarely larger than a /16 (65,536), so check it is your own allocation and not your ISP's or a cloud provider's block",
    );
  });

  it('does not warn about a /16', () => {
    expect(warningsFor((c) => (c.trustedNetworks.cidrs[0] = '198.1.0.0/16')).join('\n')).not.toMatch(/covers/);
  });
});

describe('break-glass and automation role patterns', () => {
  const breakGlass = (arn: string) => (c: Editable) => (c.breakGlass.aws.roleArns = [arn]);
  it.each<[string, (c: Editable) => void, string]>([
    [
      'a name prefix under 4 characters',
      breakGlass('arn:aws:iam::*:role/Br*'),
      'breakGlass.aws.roleArns[0]: arn:aws:iam::*:role/Br* fixes only "Br" (2 characters) of the role name before the first wildcard, so it matches roles nobody meant to exempt. Start the role name with at least 4 fixed characters, e.g. arn:aws:iam::*:role/BreakGlass*.',
    ],
    [
      'a ? after one character',
      breakGlass('arn:aws:iam::*:role/B?eakGlass'),
      'breakGlass.aws.roleArns[0]: arn:aws:iam::*:role/B?eakGlass fixes only "B" (1 character) of the role name before the first wildcard, so it matches roles nobody meant to exempt. Start the role name with at least 4 fixed characters, e.g. arn:aws:iam::*:role/BreakGlass*.',
    ],
    [
      'a fixed path and no fixed name',
      breakGlass('arn:aws:iam::*:role/ops/*'),
      'breakGlass.aws.roleArns[0]: arn:aws:iam::*:role/ops/* fixes none of the role name before the first wildcard, so it matches roles nobody meant to exempt. Start the role name with at least 4 fixed characters, e.g. arn:aws:iam::*:role/BreakGlass*.',
    ],
    [
      'a wildcard path segment',
      breakGlass('arn:aws:iam::*:role/*/BreakGlass'),
      'breakGlass.aws.roleArns[0]: arn:aws:iam::*:role/*/BreakGlass has a wildcard in the role path, so it fixes no part of the role name and matches roles of any name below it. Write the path out and start the role name with at least 4 fixed characters, e.g. role/ops/BreakGlass*.',
    ],
    [
      'a wildcard inside a path segment',
      (c) => (c.automation.aws.roleArns[0] = 'arn:aws:iam::*:role/ops*/Deployer'),
      'automation.aws.roleArns[0]: arn:aws:iam::*:role/ops*/Deployer has a wildcard in the role path, so it fixes no part of the role name and matches roles of any name below it. Write the path out and start the role name with at least 4 fixed characters, e.g. role/ops/BreakGlass*.',
    ],
    [
      'a pattern that expands into aws-service-role/',
      breakGlass('arn:aws:iam::*:role/aws*'),
      `breakGlass.aws.roleArns[0]: arn:aws:iam::*:role/aws* can match the service-linked roles under role/aws-service-role/, which AWS services create and SCPs never restrict. ${RESERVED_FIX}`,
    ],
    [
      'a pattern under aws-reserved/',
      breakGlass('arn:aws:iam::*:role/aws-reserved/*'),
      `breakGlass.aws.roleArns[0]: arn:aws:iam::*:role/aws-reserved/* can match the AWS-managed roles under role/aws-reserved/, which AWS services create and assign (IAM Identity Center keeps its permission-set roles there). ${RESERVED_FIX}`,
    ],
    [
      'an Identity Center role name pattern',
      breakGlass('arn:aws:iam::*:role/AWSReservedSSO_Admin*'),
      `breakGlass.aws.roleArns[0]: arn:aws:iam::*:role/AWSReservedSSO_Admin* can match IAM Identity Center's permission-set roles (AWSReservedSSO_*), so whoever Identity Center assigns the permission set to would be exempt, decided outside IAM. ${RESERVED_FIX}`,
    ],
    [
      'a pattern whose wildcard expands into AWSReservedSSO_',
      breakGlass('arn:aws:iam::*:role/AWSR*'),
      `breakGlass.aws.roleArns[0]: arn:aws:iam::*:role/AWSR* can match IAM Identity Center's permission-set roles (AWSReservedSSO_*), so whoever Identity Center assigns the permission set to would be exempt, decided outside IAM. ${RESERVED_FIX}`,
    ],
    [
      'an exact service-linked role',
      (c) => (c.automation.aws.roleArns[1] = 'arn:aws:iam::111122223333:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM'),
      `automation.aws.roleArns[1]: arn:aws:iam::111122223333:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM is one of the service-linked roles under role/aws-service-role/, which AWS services create and SCPs never restrict. ${RESERVED_FIX}`,
    ],
    [
      'an ARN of another partition',
      breakGlass('arn:aws-cn:iam::*:role/BreakGlass*'),
      'breakGlass.aws.roleArns[0]: arn:aws-cn:iam::*:role/BreakGlass* is in partition aws-cn but aws.partition is aws, so it never matches a principal of the organisation. Write arn:aws:iam::*:role/BreakGlass*, or set aws.partition: aws-cn.',
    ],
    [
      'a partition the AWS stacks do not deploy to yet',
      (c) => {
        c.aws.partition = 'aws-us-gov';
        c.aws.homeRegion = 'us-gov-west-1';
        c.aws.regions = [];
        c.trustedNetworks.aws.vpcIds = [];
        c.breakGlass.aws.roleArns = ['arn:aws-us-gov:iam::*:role/BreakGlass*'];
      },
      'aws.partition: aws-us-gov is not supported yet: the AWS stacks write arn:aws: ARNs and watch us-east-1 for global events. Use aws (the commercial partition).',
    ],
  ])('refuses %s', (_name, edit, expected) => {
    expect(problemFor(edit)).toBe(expected);
  });

  it.each([
    'arn:aws:iam::*:role/ops/BreakGlass*',
    'arn:aws:iam::*:role/Brea?Glass',
    'arn:aws:iam::111122223333:role/BreakGlassAdmin',
    'arn:aws:iam::*:role/aws_ops-breakglass',
  ])('accepts %s', (arn) => {
    expect(exampleModel((c) => (c.breakGlass.aws.roleArns = [arn])).aws?.breakGlassRoleArns).toEqual([arn]);
  });

  it('refuses an unknown partition in the schema', () => {
    expect(problemFor((c) => (c.aws.partition = 'aws-iso'))).toBe(
      'aws.partition: must be one of aws, aws-cn, aws-us-gov (got "aws-iso"). See guardrails.example.yaml and guardrails.schema.json.',
    );
  });
});

describe('AWS region names', () => {
  it.each<[string, (c: Editable) => void, string]>([
    ['a misspelt home region', (c) => (c.aws.homeRegion = 'us-east-7'), 'aws.homeRegion: "us-east-7" is not an AWS region. Did you mean "us-east-1"?'],
    [
      'a misspelt event region',
      (c) => (c.aws.regions = ['us-east-1', 'eu-wset-1']),
      'aws.regions[1]: "eu-wset-1" is not an AWS region. Did you mean "eu-west-1"?',
    ],
    [
      'a misspelt VPC region',
      (c) => (c.trustedNetworks.aws.vpcIds[1].region = 'eu-west-9'),
      'trustedNetworks.aws.vpcIds[1].region: "eu-west-9" is not an AWS region. Did you mean "eu-west-1"?',
    ],
    [
      'a region nothing resembles',
      (c) => (c.aws.homeRegion = 'zz-nowhere-9'),
      'aws.homeRegion: "zz-nowhere-9" is not an AWS region. Use a region code of aws such as us-east-1 (the list comes from aws-cdk-lib: a region newer than it needs an update).',
    ],
    [
      'a region of another partition',
      (c) => (c.aws.homeRegion = 'cn-north-1'),
      'aws.homeRegion: cn-north-1 is in partition aws-cn but aws.partition is aws. Use a region of aws, or set aws.partition: aws-cn.',
    ],
    [
      'a VPC region outside aws.partition',
      (c) => (c.aws.partition = 'aws-us-gov'),
      'trustedNetworks.aws.vpcIds[0].region: us-east-1 is in partition aws but aws.partition is aws-us-gov. Use a region of aws-us-gov, or set aws.partition: aws.',
    ],
    [
      'a region of a partition the kit does not support',
      (c) => (c.aws.regions = ['us-east-1', 'us-iso-east-1']),
      'aws.regions[1]: us-iso-east-1 is in partition aws-iso but aws.partition is aws. Use a region of aws (this kit does not support aws-iso).',
    ],
  ])('refuses %s', (_name, edit, expected) => {
    expect(problemFor(edit)).toBe(expected);
  });

  it('checks VPC regions against the aws partition when there is no aws section', () => {
    expect(
      problemFor((c) => {
        delete c.aws;
        c.trustedNetworks.aws.vpcIds[0].region = 'us-gov-west-1';
      }),
    ).toBe(
      'trustedNetworks.aws.vpcIds[0].region: us-gov-west-1 is in partition aws-us-gov but aws.partition is aws. Use a region of aws, or set aws.partition: aws-us-gov.',
    );
  });
});

describe('notification targets', () => {
  const FIX = 'Add an address under notifications.emails or an https:// URL under notifications.webhooks.';
  it('refuses enforce mode with nobody to tell', () => {
    expect(problemFor((c) => ((c.mode = 'enforce'), (c.notifications.emails = [])))).toBe(
      `notifications: has no emails or webhooks while mode is enforce, so enforced controls would block calls and alarms would fire with nobody told. ${FIX}`,
    );
  });

  it('refuses per-control enforce overrides with nobody to tell (line 1 when notifications is missing)', () => {
    const message = errorFor((c) => {
      c.aws.controls = { logProtection: 'enforce', cloudShell: 'enforce' };
      delete c.notifications;
    });
    expect(message).toBe(
      `guardrails.yaml:1 notifications: has no emails or webhooks while aws.controls.cloudShell, aws.controls.logProtection are enforce, so enforced controls would block calls and alarms would fire with nobody told. ${FIX}`,
    );
  });

  it('warns in report mode', () => {
    expect(warningsFor((c) => (c.notifications = { emails: [], webhooks: [] }))).toContain(
      'notifications: has no emails or webhooks, so the AWS, Azure and GCP alarms reach nobody; add one before switching to enforce',
    );
    expect(warningsFor((c) => ((c.notifications = {}), delete c.azure, delete c.gcp))).toContain(
      'notifications: has no emails or webhooks, so the AWS alarms reach nobody; add one before switching to enforce',
    );
  });

  it('says nothing when there is no cloud section, or when a webhook is set', () => {
    expect(warningsFor((c) => (delete c.notifications, delete c.aws, delete c.azure, delete c.gcp)).join('\n')).not.toMatch(/^notifications/m);
    expect(exampleModel((c) => ((c.mode = 'enforce'), (c.notifications = { webhooks: ['https://hooks.example.com/x'] }))).mode).toBe('enforce');
  });
});

describe('notification targets follow the effective modes', () => {
  it('lets mode: enforce pass when every AWS control is overridden to report and no other cloud is configured', () => {
    const model = exampleModel((c) => {
      c.mode = 'enforce';
      c.aws.controls = { networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' };
      c.notifications = {};
      delete c.azure;
      delete c.gcp;
    });
    expect(model.warnings.map((w) => `${w.path}: ${w.message}`)).toContain(
      'notifications: has no emails or webhooks, so the AWS alarms reach nobody; add one before switching to enforce',
    );
  });

  it('names only the settings that actually enforce', () => {
    expect(
      problemFor((c) => {
        c.mode = 'enforce';
        c.aws.controls = { networkPerimeter: 'report', cloudShell: 'enforce', logProtection: 'report' };
        c.notifications = {};
        delete c.azure;
        delete c.gcp;
      }),
    ).toBe(
      'notifications: has no emails or webhooks while aws.controls.cloudShell is enforce, so enforced controls would block calls and alarms would fire with nobody told. Add an address under notifications.emails or an https:// URL under notifications.webhooks.',
    );
  });
});
