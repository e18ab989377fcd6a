/**
 * A Pulumi program of a consumer's own, run under Pulumi's mocks (no CLI, no cloud): Azure Conditional
 * Access for its tenant, and GCP log-match alerts compiled from the kit's shipped rule catalog. The mocks
 * only take effect if the kit's components and this program share one @pulumi/pulumi: a peer dependency.
 */
import * as pulumi from '@pulumi/pulumi';
import { ConditionalAccess } from 'cloud-api-guardrails/azure';
import { GcpLogAlerts } from 'cloud-api-guardrails/gcp';
import { compileForDeployment, loadCatalog, parseConfigText } from 'cloud-api-guardrails/detection';

const registered: string[] = [];
await pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push(args.type);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'consumer',
  'check',
  false,
);

new ConditionalAccess('tenant', {
  trustedCidrs: ['198.51.100.0/24'],
  breakGlassUserIds: ['00000000-0000-4000-8000-00000000b001'],
});

// The shipped catalog, bound to a config of this project's (inline here; a file works with loadConfigFile).
const model = parseConfigText(
  [
    'trustedNetworks: { cidrs: [198.51.100.0/24] }',
    'breakGlass: { gcp: { members: ["user:breakglass@example.com"] } }',
    'gcp: { organizationId: "123456789012", logProjectId: consumer-logs, adminGroup: { email: admins@example.com, directoryId: 03cqmetx1abcdef }, existingAuditConfigs: [] }',
    'notifications: { emails: [security@example.com] }',
  ].join('\n'),
  'consumer.yaml',
);
const gcpRules = loadCatalog(model).filter((r) => r.rule.logsource.product === 'gcp' && r.rule.targets.includes('gcp'));
new GcpLogAlerts('alerts', {
  project: 'consumer-logs',
  emails: model.notifications.emails,
  webhooks: model.notifications.webhooks,
  rules: gcpRules.map((r) => ({
    id: r.rule.id,
    title: r.rule.title,
    description: r.rule.description,
    level: r.rule.level,
    falsepositives: r.rule.falsepositives,
    query: compileForDeployment(r, 'gcp') as string,
  })),
});

// Registrations resolve asynchronously; wait until none arrive for a while.
for (let idle = 0, seen = -1; idle < 20; idle = registered.length === seen ? idle + 1 : 0, seen = registered.length) {
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const count = (type: string) => registered.filter((t) => t === type).length;
const policies = count('azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy');
const alerts = count('gcp:monitoring/alertPolicy:AlertPolicy');
if (policies < 4 || count('azuread:index/namedLocation:NamedLocation') !== 1)
  throw new Error(`Conditional Access: ${policies} policies registered, expected at least 4 and a named location`);
if (gcpRules.length === 0 || alerts !== gcpRules.length) throw new Error(`GCP: ${alerts} alert policies for ${gcpRules.length} catalog rules`);
console.log(
  `pulumi: ${registered.length} resources under mocks: ${policies} Conditional Access policies and a named location (azure), ${alerts} log-match alert policies from the shipped catalog (gcp)`,
);
