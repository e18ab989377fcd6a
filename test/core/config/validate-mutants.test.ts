/**
 * Cross-field checks of core/config/validate.ts that the StrykerJS run of core/config left uncovered or
 * untested (bench/mutation-results.md): each refusal asserts its exact one-line message, each accepted
 * config the value or warning it produces.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../core/config/load.ts';
import { configErrorOf, editedExample, exampleModel, type Editable } from '../../helpers/config.ts';

/** The refusal's one line without its `guardrails.yaml:<line> ` prefix. */
function refusal(edit: (c: Editable) => void): string {
  const message = configErrorOf(() => parseConfigText(editedExample(edit), 'guardrails.yaml'));
  expect(message).toMatch(/^guardrails\.yaml:\d+ /);
  return message.replace(/^guardrails\.yaml:\d+ /, '');
}

/** Every warning as `path: message`. */
const warningsOf = (edit: (c: Editable) => void): string[] => exampleModel(edit).warnings.map((w) => `${w.path}: ${w.message}`);

const DOCUMENTATION_NOTE = '(RFC 5737/3849/9637): fine for trying the kit, but replace with your real egress ranges before enforce';

describe('trusted networks', () => {
  it('names one documentation range in the singular, and warns about none when there is none', () => {
    expect(warningsOf((c) => (c.trustedNetworks.cidrs = ['192.0.2.0/24', '8.8.8.0/24']))).toEqual([
      `trustedNetworks.cidrs: 192.0.2.0/24 is a documentation range ${DOCUMENTATION_NOTE}`,
    ]);
    expect(warningsOf((c) => (c.trustedNetworks.cidrs = ['8.8.8.0/24']))).toEqual([]);
    expect(warningsOf(() => {})).toEqual([
      `trustedNetworks.cidrs: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/25, 203.0.113.128/25, 2001:db8::/32 are documentation ranges ${DOCUMENTATION_NOTE}`,
    ]);
  });

  it('says a repeated range repeats the first, and an overlapping one which range it overlaps', () => {
    const warnings = warningsOf((c) => (c.trustedNetworks.cidrs = ['8.8.8.0/24', '8.8.8.0/24', '8.8.8.0/25']));
    expect(warnings).toContain('trustedNetworks.cidrs[1]: 8.8.8.0/24 repeats trustedNetworks.cidrs[0]; merged');
    expect(warnings).toContain('trustedNetworks.cidrs[2]: 8.8.8.0/25 overlaps trustedNetworks.cidrs[0] (8.8.8.0/24); merged into the smallest cover');
  });

  it('refuses a VPC listed twice, even in another region', () => {
    expect(refusal((c) => c.trustedNetworks.aws.vpcIds.push({ id: 'vpc-0a1b2c3d4e5f60718', region: 'eu-west-1' }))).toBe(
      'trustedNetworks.aws.vpcIds[2]: vpc-0a1b2c3d4e5f60718 is listed twice. List each VPC once, with its own region.',
    );
  });
});

describe('Azure', () => {
  it('refuses enforce with neither trusted CIDRs nor named locations', () => {
    expect(
      refusal((c) => {
        c.mode = 'enforce';
        c.trustedNetworks.cidrs = [];
        delete c.aws;
        delete c.gcp;
      }),
    ).toBe(
      'mode: enforce with no trustedNetworks.cidrs or trustedNetworks.azure.namedLocationIds would block Azure management from everywhere. Add trusted networks, or keep mode: report.',
    );
  });

  it('accepts enforce with named locations only', () => {
    const model = exampleModel((c) => {
      c.mode = 'enforce';
      c.trustedNetworks.cidrs = [];
      c.trustedNetworks.azure.namedLocationIds = ['00000000-0000-4000-8000-00000000c001'];
      delete c.aws;
      delete c.gcp;
    });
    expect(model.azure?.trustedNamedLocationIds).toEqual(['00000000-0000-4000-8000-00000000c001']);
  });

  const WORKLOAD =
    'is empty while azure.workloadIdentityConditionalAccess is on, so every service principal of the tenant, the deploying pipeline included, is blocked outside the trusted locations';

  it('refuses workload-identity Conditional Access in enforce without automation principals, and warns in report', () => {
    expect(
      refusal((c) => {
        c.mode = 'enforce';
        c.azure.workloadIdentityConditionalAccess = true;
      }),
    ).toBe(
      `automation.azure.servicePrincipalObjectIds: ${WORKLOAD}. List the object ids of the service principals that must keep working (CI/CD, this stack's deployer), or keep mode: report.`,
    );
    expect(warningsOf((c) => (c.azure.workloadIdentityConditionalAccess = true))).toContain(
      `automation.azure.servicePrincipalObjectIds: ${WORKLOAD}; list the CI/CD principals before enforce`,
    );
  });

  it('warns that locking immutability is irreversible, only when asked to lock', () => {
    const lock = 'azure.lockImmutability';
    expect(warningsOf((c) => (c.azure.lockImmutability = true))).toContain(
      `${lock}: locks the log storage account's immutability policy, which is irreversible: its retention can then only be extended, and the account cannot be deleted while any blob is retained. Azure creates the policy unlocked and only locks an existing one, so deploy once with false first`,
    );
    expect(warningsOf(() => {}).filter((w) => w.startsWith(lock))).toEqual([]);
  });

  it('carries compliantDeviceRequired, false when trustedNetworks.azure is absent', () => {
    expect(exampleModel((c) => (c.trustedNetworks.azure.compliantDeviceRequired = true)).azure?.compliantDeviceRequired).toBe(true);
    expect(exampleModel((c) => delete c.trustedNetworks.azure).azure?.compliantDeviceRequired).toBe(false);
  });
});

describe('GCP', () => {
  const gcpOnly = (c: Editable) => {
    delete c.aws;
    delete c.azure;
  };

  it('refuses enforce without trusted CIDRs', () => {
    expect(
      refusal((c) => {
        gcpOnly(c);
        c.mode = 'enforce';
        c.trustedNetworks.cidrs = [];
      }),
    ).toBe('mode: enforce with no trustedNetworks.cidrs would make the GCP access level deny every admin. Add trustedNetworks.cidrs, or keep mode: report.');
  });

  it('refuses an access level without trusted CIDRs even in report mode', () => {
    expect(
      refusal((c) => {
        gcpOnly(c);
        c.trustedNetworks.cidrs = [];
      }),
    ).toBe(
      'trustedNetworks.cidrs: is empty, and GCP context-aware access needs it: an access level must have at least one condition, so the admin access level cannot be created without trustedNetworks.cidrs, even in report mode. Add your egress ranges to trustedNetworks.cidrs.',
    );
  });

  it('warns that locking the log bucket is irreversible, only when asked to lock', () => {
    const lock = 'gcp.lockLogBucket: locking the log bucket is irreversible: its retention can never be lowered and it can never be deleted';
    expect(warningsOf((c) => (c.gcp.lockLogBucket = true))).toContain(lock);
    expect(warningsOf(() => {})).not.toContain(lock);
  });

  it('refuses a config without the existing audit configs', () => {
    expect(refusal((c) => delete c.gcp.existingAuditConfigs)).toBe(
      "gcp.existingAuditConfigs: is missing; IamAuditConfig replaces the organization's audit logging for each service it writes (allServices, storage.googleapis.com, secretmanager.googleapis.com, iam.googleapis.com, iap.googleapis.com), so the kit must merge with what is there. Run: gcloud organizations get-iam-policy 123456789012 --format=json and paste its auditConfigs list (or [] if there is none).",
    );
  });

  it('warns about each dropped exemption of a service the kit manages, not of others', () => {
    const warnings = warningsOf(
      (c) =>
        (c.gcp.existingAuditConfigs = [
          { service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ', exemptedMembers: ['user:a@example.com', 'user:b@example.com'] }] },
          {
            service: 'storage.googleapis.com',
            auditLogConfigs: [{ logType: 'DATA_WRITE' }, { logType: 'DATA_READ', exemptedMembers: ['user:c@example.com'] }],
          },
          { service: 'compute.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:d@example.com'] }] },
        ]),
    );
    const drop = 'the kit keeps the log type but drops the exemption (it enforces iam.disableAuditLoggingExemption)';
    expect(warnings.filter((w) => w.startsWith('gcp.existingAuditConfigs'))).toEqual([
      `gcp.existingAuditConfigs[0]: allServices ADMIN_READ exempts user:a@example.com, user:b@example.com; ${drop}`,
      `gcp.existingAuditConfigs[1]: storage.googleapis.com DATA_READ exempts user:c@example.com; ${drop}`,
    ]);
  });

  it('refuses a private or malformed automation range, by its index', () => {
    expect(refusal((c) => (c.gcp.automationAccess.cidrs = ['8.8.8.0/24', '10.0.0.0/8']))).toMatch(
      /^gcp\.automationAccess\.cidrs\[1\]: 10\.0\.0\.0\/8 is in 10\.0\.0\.0\/8, private \(RFC 1918\); /,
    );
    expect(refusal((c) => (c.gcp.automationAccess.cidrs = ['nope']))).toBe(
      'gcp.automationAccess.cidrs[0]: "nope" is not an IPv4 or IPv6 CIDR. Write it as 203.0.113.0/24 or 2001:db8::/32.',
    );
  });

  it('refuses automation access that binds nothing', () => {
    expect(refusal((c) => delete c.automation.gcp)).toBe(
      'gcp.automationAccess: binds nothing: automation.gcp.serviceAccounts and gcp.automationAccess.projectNumbers are both empty. List the automation service accounts, or the project numbers whose service accounts run automation, or remove automationAccess.',
    );
  });

  it('accepts automation access by project number alone, and aggregates its ranges', () => {
    const model = exampleModel((c) => {
      delete c.automation.gcp;
      c.gcp.automationAccess.projectNumbers = ['333333333333'];
      c.gcp.automationAccess.cidrs = ['8.8.8.0/25', '8.8.8.128/25'];
    });
    expect(model.gcp?.automationAccess).toEqual({ cidrs: ['8.8.8.0/24'], projectNumbers: ['333333333333'], mode: 'report' });
    expect(model.gcp?.automationServiceAccounts).toEqual([]);
    expect(model.gcp?.mode).toBe('report');
    expect(model.gcp?.breakGlassMembers).toEqual(['user:breakglass@example.com']);
  });

  it('carries the automation service accounts and mode without automationAccess', () => {
    const model = exampleModel((c) => {
      delete c.gcp.automationAccess;
      c.mode = 'enforce';
      c.trustedNetworks.cidrs = ['8.8.8.0/24'];
    });
    expect(model.gcp?.automationAccess).toBeUndefined();
    expect(model.gcp?.automationServiceAccounts).toEqual(['ci-deployer@guardrails-ci.iam.gserviceaccount.com']);
    expect(model.gcp?.mode).toBe('enforce');
    expect(model.gcp?.breakGlassMembers).toEqual(['user:breakglass@example.com']);
  });
});

describe('AWS', () => {
  it('refuses a target listed twice, and warns about the management account as a target', () => {
    expect(refusal((c) => (c.aws.targets = ['ou-ab12-34cd56ef', 'ou-ab12-34cd56ef']))).toBe(
      'aws.targets: lists a target twice. List each root, OU or account once.',
    );
    expect(warningsOf((c) => (c.aws.targets = ['ou-ab12-34cd56ef', '111122223333']))).toContain(
      'aws.targets[1]: 111122223333 is the management account: SCPs never apply to it, so this attachment protects nothing',
    );
  });

  it('refuses deep archive on the day of archive, and accepts it the day after', () => {
    expect(refusal((c) => (c.aws.trail.deepArchiveAfterDays = 90))).toBe(
      'aws.trail.deepArchiveAfterDays: (90) must come after archiveAfterDays (90). Raise deepArchiveAfterDays or lower archiveAfterDays.',
    );
    expect(exampleModel((c) => (c.aws.trail.deepArchiveAfterDays = 91)).aws?.trail.deepArchiveAfterDays).toBe(91);
  });

  it('refuses expiry before the Object Lock ends or on the deep-archive day, and accepts it after both', () => {
    expect(refusal((c) => (c.aws.trail.expireAfterDays = 364))).toBe(
      'aws.trail.expireAfterDays: (364) is shorter than objectLockDays (365); locked logs cannot expire. Set expireAfterDays to 365 or more, or remove it.',
    );
    expect(refusal((c) => (c.aws.trail.expireAfterDays = 365))).toBe(
      'aws.trail.expireAfterDays: (365) must come after deepArchiveAfterDays (365). Raise expireAfterDays or lower the archive days.',
    );
    expect(
      exampleModel((c) => {
        c.aws.trail.objectLockDays = 30;
        c.aws.trail.expireAfterDays = 365;
        c.aws.trail.deepArchiveAfterDays = 364;
      }).aws?.trail.expireAfterDays,
    ).toBe(365);
    expect(
      refusal((c) => {
        c.aws.trail.objectLockDays = 30;
        c.aws.trail.expireAfterDays = 100;
      }),
    ).toBe('aws.trail.expireAfterDays: (100) must come after deepArchiveAfterDays (365). Raise expireAfterDays or lower the archive days.');
    expect(exampleModel((c) => (c.aws.trail.expireAfterDays = 366)).aws?.trail.expireAfterDays).toBe(366);
  });

  it('refuses existing policies that fill the quota, and accepts one fewer', () => {
    expect(
      refusal((c) => {
        c.aws.existingPoliciesPerTarget = 5;
        c.aws.maxPoliciesPerTarget = 5;
      }),
    ).toBe('aws.existingPoliciesPerTarget: (5) leaves no room under maxPoliciesPerTarget (5). Lower it or detach other SCPs.');
    expect(
      exampleModel((c) => {
        c.aws.existingPoliciesPerTarget = 4;
        c.aws.maxPoliciesPerTarget = 5;
      }).aws?.existingPoliciesPerTarget,
    ).toBe(4);
  });

  it('refuses one SRA account without the other, naming the missing one', () => {
    const tail =
      'the evidence and the alarm pipeline move out of the management account together. Set both (the Control Tower Log Archive and Audit accounts), or neither.';
    expect(refusal((c) => delete c.aws.logArchiveAccountId)).toBe(`aws.logArchiveAccountId: is missing while aws.securityAccountId is set; ${tail}`);
    expect(refusal((c) => delete c.aws.securityAccountId)).toBe(`aws.securityAccountId: is missing while aws.logArchiveAccountId is set; ${tail}`);
  });

  it('refuses the management account or one account for both SRA roles', () => {
    const fix = 'Use the log-archive and security accounts of your landing zone.';
    expect(refusal((c) => (c.aws.logArchiveAccountId = '111122223333'))).toBe(
      `aws.logArchiveAccountId: is the management account (111122223333), where SCPs never apply. ${fix}`,
    );
    expect(refusal((c) => (c.aws.securityAccountId = '111122223333'))).toBe(
      `aws.securityAccountId: is the management account (111122223333), where SCPs never apply. ${fix}`,
    );
    expect(refusal((c) => (c.aws.securityAccountId = '222233334444'))).toBe(
      'aws.securityAccountId: is the log-archive account too (222233334444). Keep the evidence and the alarm pipeline in separate accounts, as AWS SRA does.',
    );
  });

  it('keeps the single-account layout with a warning, and watches the home region and us-east-1', () => {
    const edit = (c: Editable) => {
      delete c.aws.securityAccountId;
      delete c.aws.logArchiveAccountId;
      c.aws.regions = [];
      c.aws.homeRegion = 'eu-west-1';
    };
    const model = exampleModel(edit);
    expect(model.aws?.layout).toBe('single-account');
    expect(model.aws?.accounts).toEqual({ management: '111122223333', logArchive: '111122223333', security: '111122223333' });
    expect(model.aws?.eventRegions).toEqual(['eu-west-1', 'us-east-1']);
    expect(model.aws?.trail.objectLockMode).toBe('COMPLIANCE');
    expect(warningsOf(edit)).toContain(
      'aws: no logArchiveAccountId/securityAccountId: the trail bucket, keys, topic and bus stay in the management account, where SCPs never apply; only their resource policies protect them (Object Lock defaults to COMPLIANCE)',
    );
    expect(exampleModel((c) => (c.aws.regions = [])).aws?.eventRegions).toEqual(['us-east-1']);
  });

  it('uses the SRA accounts and watches the listed regions once each', () => {
    const model = exampleModel((c) => (c.aws.regions = ['us-east-1', 'eu-west-1', 'us-east-1']));
    expect(model.aws?.layout).toBe('sra');
    expect(model.aws?.accounts).toEqual({ management: '111122223333', logArchive: '222233334444', security: '333344445555' });
    expect(model.aws?.eventRegions).toEqual(['us-east-1', 'eu-west-1']);
    expect(model.aws?.trail.objectLockMode).toBe('GOVERNANCE');
  });
});

describe('notifications', () => {
  it('refuses enforce with nobody to tell, for Azure and GCP through mode', () => {
    const message =
      'notifications: has no emails or webhooks while mode is enforce, so enforced controls would block calls and alarms would fire with nobody told. Add an address under notifications.emails or an https:// URL under notifications.webhooks.';
    expect(
      refusal((c) => {
        c.mode = 'enforce';
        c.trustedNetworks.cidrs = ['8.8.8.0/24'];
        c.notifications.emails = [];
        delete c.aws;
        delete c.gcp;
      }),
    ).toBe(message);
    expect(
      refusal((c) => {
        c.mode = 'enforce';
        c.trustedNetworks.cidrs = ['8.8.8.0/24'];
        c.notifications.emails = [];
        delete c.aws;
        delete c.azure;
      }),
    ).toBe(message);
  });

  it('warns in report mode, naming every cloud', () => {
    expect(warningsOf((c) => (c.notifications.emails = []))).toContain(
      'notifications: has no emails or webhooks, so the AWS, Azure and GCP alarms reach nobody; add one before switching to enforce',
    );
    expect(
      warningsOf((c) => {
        c.notifications.emails = [];
        delete c.azure;
      }),
    ).toContain('notifications: has no emails or webhooks, so the AWS and GCP alarms reach nobody; add one before switching to enforce');
  });
});

describe('sums and defaults', () => {
  it('counts trusted CIDRs and named locations together for Azure enforce', () => {
    const model = exampleModel((c) => {
      c.mode = 'enforce';
      c.trustedNetworks.cidrs = ['8.8.8.0/24'];
      c.trustedNetworks.azure.namedLocationIds = ['00000000-0000-4000-8000-00000000c001'];
      delete c.aws;
      delete c.gcp;
    });
    expect(model.azure?.mode).toBe('enforce');
  });

  it('counts service accounts and project numbers together for GCP automation access', () => {
    const model = exampleModel((c) => (c.gcp.automationAccess.projectNumbers = ['333333333333']));
    expect(model.gcp?.automationAccess?.projectNumbers).toEqual(['333333333333']);
    expect(model.gcp?.automationServiceAccounts).toEqual(['ci-deployer@guardrails-ci.iam.gserviceaccount.com']);
  });

  it('names azure.managementGroupId when child management groups have no parent', () => {
    expect(
      refusal((c) => {
        delete c.azure.managementGroupId;
        c.azure.childManagementGroupIds = ['contoso-child'];
      }),
    ).toBe('azure.childManagementGroupIds: needs azure.managementGroupId, the group they sit under. Set managementGroupId, or remove childManagementGroupIds.');
  });

  it('has no automation roles when automation.aws is absent', () => {
    expect(exampleModel((c) => delete c.automation.aws).aws?.automationRoleArns).toEqual([]);
  });

  it('names one cloud alone when nobody is told', () => {
    expect(
      warningsOf((c) => {
        c.notifications.emails = [];
        delete c.azure;
        delete c.gcp;
      }),
    ).toContain('notifications: has no emails or webhooks, so the AWS alarms reach nobody; add one before switching to enforce');
  });
});

describe('names and defaults of the enforce checks', () => {
  it('refuses Azure enforce without cidrs when trustedNetworks.azure is absent', () => {
    expect(
      refusal((c) => {
        c.mode = 'enforce';
        c.trustedNetworks.cidrs = [];
        delete c.trustedNetworks.azure;
        delete c.aws;
        delete c.gcp;
      }),
    ).toMatch(/^mode: enforce with no trustedNetworks\.cidrs or trustedNetworks\.azure\.namedLocationIds would block Azure management/);
  });

  it('names where AWS trusted context comes from', () => {
    expect(
      refusal((c) => {
        c.mode = 'enforce';
        c.trustedNetworks = {};
      }),
    ).toContain('trustedNetworks.cidrs or trustedNetworks.aws.vpcIds/vpcEndpointIds');
  });
});
