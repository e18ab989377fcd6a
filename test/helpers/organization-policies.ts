/**
 * The organization as its templates describe it: every stack of the AWS app plus the member StackSet
 * template, resolved (template-resolver.ts) and indexed by ARN, so the simulation can find for any
 * request the SCPs on the caller's path, the caller's identity policies and the resource's policy:
 *   - SCPs: AWS::Organizations::Policy of type SERVICE_CONTROL_POLICY, attached where TargetIds says
 *     (a policy without TargetIds is created and attached to nothing: report mode);
 *   - identity policies: AWS::IAM::Role inline Policies, AWS::IAM::Policy and ManagedPolicy attached to roles;
 *   - resource policies: AWS::S3::BucketPolicy, AWS::KMS::Key KeyPolicy, AWS::SNS::TopicPolicy and
 *     TopicInlinePolicy, AWS::Events::EventBusPolicy, AWS::SQS::QueuePolicy, and a role's trust policy
 *     for sts:AssumeRole;
 *   - tags: each resource's Tags plus the tags CloudFormation propagates from its stack or StackSet.
 * Anything that makes the organization undeployable as written (two resources with one ARN, an alias
 * naming two keys) is recorded in `problems`, never silently resolved one way.
 */
import { createHash } from 'node:crypto';
import type { App, Stack } from 'aws-cdk-lib';
import type { AwsModel } from '../../core/config/model.ts';
import { PARTITION, TemplateResolver, type CfnTemplate, type StackInput } from './template-resolver.ts';

export type PolicyDocument = { readonly Version?: string; readonly Statement: unknown };
export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** A workload account in the target OU: where the StackSet's member stack and most people's calls are. */
export const WORKLOAD_ACCOUNT = '444455556666';

/**
 * Where each account sits. The simulation assumes the enforce targets cover every member account (the
 * log-archive and security accounts included): the strongest claim the SCPs can make, and the one the
 * flows check. Accounts outside the organization get no SCPs.
 */
export interface OrganizationLayout {
  readonly organizationId: string;
  readonly managementAccount: string;
  readonly rootId: string;
  /** Member accounts and the OU each sits in (undefined: directly under the root). */
  readonly members: ReadonlyMap<string, string | undefined>;
}

export function layoutOf(aws: AwsModel, workloadAccounts: readonly string[] = [WORKLOAD_ACCOUNT]): OrganizationLayout {
  const rootId = aws.targets.find((t) => t.startsWith('r-')) ?? 'r-0rg0';
  const ou = aws.targets.find((t) => t.startsWith('ou-'));
  const members = new Map<string, string | undefined>();
  for (const account of [aws.accounts.logArchive, aws.accounts.security, ...workloadAccounts]) {
    if (account !== aws.accounts.management) members.set(account, ou);
  }
  return { organizationId: aws.organizationId, managementAccount: aws.accounts.management, rootId, members };
}

export interface IndexedResource {
  readonly type: string;
  readonly logicalId: string;
  readonly stack: StackInput;
  readonly arn: string;
  readonly physicalName: string;
  /** Properties with every intrinsic resolved. */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ControlPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
  /** Root, OU and account ids it is attached to; empty: created, attached to nothing. */
  readonly targets: readonly string[];
}

export interface IamRole {
  readonly arn: string;
  readonly identityPolicies: NamedPolicy[];
  readonly trustPolicy?: PolicyDocument;
  readonly tags: Readonly<Record<string, string>>;
}

/** AWS managed policies the templates may attach, by ARN. */
const AWS_MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  [`arn:${PARTITION}:iam::aws:policy/AdministratorAccess`]: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/** Types CloudFormation propagates stack tags to (those of the kit that support Tags). */
const TAGGABLE = new Set([
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::IAM::Role',
  'AWS::Events::EventBus',
  'AWS::Events::Rule',
  'AWS::Logs::LogGroup',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudTrail::Trail',
  'AWS::Organizations::Policy',
  'AWS::CloudFormation::StackSet',
]);

function tagsOf(value: unknown): Record<string, string> {
  if (Array.isArray(value)) return Object.fromEntries(value.map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
  if (value && typeof value === 'object') return { ...(value as Record<string, string>) };
  return {};
}

function asDocument(value: unknown): PolicyDocument {
  return (typeof value === 'string' ? JSON.parse(value) : value) as PolicyDocument;
}

function statements(document: PolicyDocument): unknown[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export class Organization {
  readonly resources = new Map<string, IndexedResource>();
  readonly roles = new Map<string, IamRole>();
  readonly serviceControlPolicies: ControlPolicy[] = [];
  readonly problems: string[] = [];
  private readonly aliases = new Map<string, string>();
  private readonly policies = new Map<string, unknown[]>();

  constructor(
    readonly layout: OrganizationLayout,
    readonly stacks: readonly StackInput[],
  ) {
    const resolvers = stacks.map((s) => new TemplateResolver(s));
    for (const r of resolvers) this.index(r);
    for (const r of resolvers) this.attach(r);
  }

  isManagement(account: string): boolean {
    return account === this.layout.managementAccount;
  }

  isInOrganization(account: string): boolean {
    return this.isManagement(account) || this.layout.members.has(account);
  }

  /** The resource with this ARN, or the bucket of an S3 object, or the log group of a log stream. */
  owner(arn: string): IndexedResource | undefined {
    const exact = this.resources.get(arn);
    if (exact) return exact;
    const object = /^(arn:[^:]+:s3:::[^/]+)\//.exec(arn);
    if (object) return this.resources.get(object[1]!);
    const stream = /^(arn:[^:]+:logs:[^:]*:\d*:log-group:[^:]+)(?::log-stream:.*|:\*)?$/.exec(arn);
    if (stream) return this.resources.get(stream[1]!);
    return undefined;
  }

  /** The one resource of this type the predicate picks; throws when there is none or several. */
  only(type: string, predicate: (r: IndexedResource) => boolean = () => true): IndexedResource {
    const found = [...this.resources.values()].filter((r) => r.type === type && predicate(r));
    if (found.length !== 1)
      throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => `${r.stack.stackName}/${r.logicalId}`).join(', ') || 'none'}`);
    return found[0]!;
  }

  all(type: string, predicate: (r: IndexedResource) => boolean = () => true): IndexedResource[] {
    return [...this.resources.values()].filter((r) => r.type === type && predicate(r));
  }

  /** A key ARN from what a property may hold: a key ARN, an alias ARN, an alias name or a key id. */
  keyArn(reference: string, account: string, region: string): string {
    const aliasArn = reference.startsWith('alias/')
      ? `arn:${PARTITION}:kms:${region}:${account}:${reference}`
      : reference.includes(':alias/')
        ? reference
        : undefined;
    if (aliasArn) {
      const key = this.aliases.get(aliasArn);
      if (!key) throw new Error(`no template creates the KMS alias ${aliasArn}`);
      if (key === 'ambiguous') throw new Error(`${aliasArn} is created for more than one key: CloudFormation cannot deploy both`);
      return key;
    }
    const arn = reference.startsWith('arn:') ? reference : `arn:${PARTITION}:kms:${region}:${account}:key/${reference}`;
    if (!this.resources.has(arn)) throw new Error(`no template creates the KMS key ${arn}`);
    return arn;
  }

  /** The resource-based policy of a resource (its bucket's for an S3 object), merged from every template. */
  resourcePolicy(arn: string, action: string): PolicyDocument | undefined {
    if (action.toLowerCase().startsWith('sts:')) {
      const trust = this.roles.get(arn)?.trustPolicy;
      return trust;
    }
    const owner = this.owner(arn);
    const found = owner ? this.policies.get(owner.arn) : undefined;
    return found ? { Version: '2012-10-17', Statement: found } : undefined;
  }

  /** SCPs on the path from the root to an account, each level with the FullAWSAccess AWS attaches by default. */
  serviceControlPoliciesFor(account: string): { orgIdentifier: string; policies: { name: string; policy: PolicyDocument }[] }[] {
    const ou = this.layout.members.get(account);
    const path = [this.layout.rootId, ...(ou ? [ou] : []), account];
    // Organizations user guide, "SCP evaluation" (orgs_manage_policies_scps_evaluation.html): a request is
    // allowed only if an Allow reaches it at every level; AWS attaches FullAWSAccess to every root, OU and
    // account unless it is removed.
    const fullAccess = { name: 'FullAWSAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
    return path.map((id) => ({
      orgIdentifier: id,
      policies: [fullAccess, ...this.serviceControlPolicies.filter((p) => p.targets.includes(id)).map((p) => ({ name: p.name, policy: p.document }))],
    }));
  }

  private index(resolver: TemplateResolver): void {
    const { stack } = resolver;
    for (const [logicalId, resource] of Object.entries(resolver.resources)) {
      if (resource.Type === 'AWS::CDK::Metadata' || !resolver.exists(logicalId)) continue;
      const properties = (resolver.resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
      if (resource.Type === 'AWS::KMS::Alias') {
        const aliasArn = resolver.arn(logicalId)!;
        const target = String(properties.TargetKeyId);
        const keyArn = target.startsWith('arn:') ? target : `arn:${PARTITION}:kms:${stack.region}:${stack.account}:key/${target}`;
        if (this.aliases.has(aliasArn)) {
          this.problems.push(`${aliasArn} is created twice (the second time by ${stack.stackName}/${logicalId}): CloudFormation cannot create both aliases`);
          this.aliases.set(aliasArn, 'ambiguous');
        } else this.aliases.set(aliasArn, keyArn);
        continue;
      }
      const arn = resolver.arn(logicalId);
      if (!arn) continue;
      if (this.resources.has(arn)) {
        const first = this.resources.get(arn)!;
        this.problems.push(`${arn} is created by both ${first.stack.stackName}/${first.logicalId} and ${stack.stackName}/${logicalId}`);
        continue;
      }
      const tags = { ...(TAGGABLE.has(resource.Type) ? stack.stackTags : {}), ...tagsOf(properties.Tags) };
      this.resources.set(arn, { type: resource.Type, logicalId, stack, arn, physicalName: resolver.physicalName(logicalId), properties, tags });
      if (resource.Type === 'AWS::IAM::Role') {
        this.roles.set(arn, {
          arn,
          tags,
          trustPolicy: properties.AssumeRolePolicyDocument as PolicyDocument | undefined,
          identityPolicies: ((properties.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]).map((p) => ({
            name: p.PolicyName,
            policy: asDocument(p.PolicyDocument),
          })),
        });
      }
      if (resource.Type === 'AWS::KMS::Key' && properties.KeyPolicy) this.addPolicy(arn, statements(asDocument(properties.KeyPolicy)));
    }
  }

  /** Policies that name what they attach to: SCPs, attached identity policies, resource policies. */
  private attach(resolver: TemplateResolver): void {
    const { stack } = resolver;
    const roleArn = (name: string) => (name.startsWith('arn:') ? name : `arn:${PARTITION}:iam::${stack.account}:role/${name}`);
    for (const [logicalId, resource] of Object.entries(resolver.resources)) {
      if (resource.Type === 'AWS::CDK::Metadata' || !resolver.exists(logicalId)) continue;
      const at = `${stack.stackName}/${logicalId}`;
      const p = () => (resolver.resolve(resource.Properties ?? {}) ?? {}) as Record<string, any>;
      switch (resource.Type) {
        case 'AWS::Organizations::Policy': {
          const props = p();
          if (props.Type === 'RESOURCE_CONTROL_POLICY') throw new Error(`${at}: resource control policies are not modelled yet`);
          if (props.Type !== 'SERVICE_CONTROL_POLICY') break;
          this.serviceControlPolicies.push({ name: String(props.Name), document: asDocument(props.Content), targets: (props.TargetIds ?? []).map(String) });
          break;
        }
        case 'AWS::IAM::Role': {
          const props = p();
          for (const managed of (props.ManagedPolicyArns ?? []) as string[]) {
            const document = AWS_MANAGED_POLICIES[managed] ?? (this.resources.get(managed)?.properties.PolicyDocument as PolicyDocument | undefined);
            if (!document) throw new Error(`${at}: managed policy ${managed} is not modelled`);
            this.roles.get(resolver.arn(logicalId)!)!.identityPolicies.push({ name: managed.split('/').pop()!, policy: asDocument(document) });
          }
          break;
        }
        case 'AWS::IAM::Policy': {
          const props = p();
          for (const role of (props.Roles ?? []) as string[]) {
            const found = this.roles.get(roleArn(role));
            if (!found) throw new Error(`${at}: attaches to role ${role}, which no template creates`);
            found.identityPolicies.push({ name: String(props.PolicyName), policy: asDocument(props.PolicyDocument) });
          }
          break;
        }
        case 'AWS::IAM::ManagedPolicy': {
          const props = p();
          for (const role of (props.Roles ?? []) as string[]) {
            const found = this.roles.get(roleArn(role));
            if (!found) throw new Error(`${at}: attaches to role ${role}, which no template creates`);
            found.identityPolicies.push({ name: resolver.physicalName(logicalId), policy: asDocument(props.PolicyDocument) });
          }
          break;
        }
        case 'AWS::S3::BucketPolicy': {
          const props = p();
          this.addPolicy(`arn:${PARTITION}:s3:::${props.Bucket}`, statements(asDocument(props.PolicyDocument)), at);
          break;
        }
        case 'AWS::SNS::TopicPolicy': {
          const props = p();
          for (const topic of props.Topics as string[]) this.addPolicy(topic, statements(asDocument(props.PolicyDocument)), at);
          break;
        }
        case 'AWS::SNS::TopicInlinePolicy': {
          const props = p();
          this.addPolicy(String(props.TopicArn), statements(asDocument(props.PolicyDocument)), at);
          break;
        }
        case 'AWS::SQS::QueuePolicy': {
          const props = p();
          for (const url of props.Queues as string[]) {
            const [, region, account, name] = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(url) ?? [];
            this.addPolicy(`arn:${PARTITION}:sqs:${region}:${account}:${name}`, statements(asDocument(props.PolicyDocument)), at);
          }
          break;
        }
        case 'AWS::Events::EventBusPolicy':
          this.addPolicy(...busPolicy(p(), stack), at);
          break;
      }
    }
  }

  private addPolicy(arn: string, statementList: unknown[], at?: string): void {
    if (at && !this.resources.has(arn)) this.problems.push(`${at} is a policy for ${arn}, which no template creates`);
    this.policies.set(arn, [...(this.policies.get(arn) ?? []), ...statementList]);
  }
}

/**
 * AWS::Events::EventBusPolicy in its three shapes: a whole Policy, one Statement (StatementId is its
 * Sid), or the legacy Action/Principal/Condition fields (Principal an account id or "*").
 */
function busPolicy(props: Record<string, any>, stack: StackInput): [string, unknown[]] {
  const name = String(props.EventBusName ?? 'default');
  const arn = name.startsWith('arn:') ? name : `arn:${PARTITION}:events:${stack.region}:${stack.account}:event-bus/${name}`;
  if (props.Policy) return [arn, statements(asDocument(props.Policy))];
  if (props.Statement) return [arn, [{ Sid: props.StatementId, ...props.Statement }]];
  const principal = props.Principal === '*' ? '*' : { AWS: `arn:${PARTITION}:iam::${props.Principal}:root` };
  return [
    arn,
    [
      {
        Sid: props.StatementId,
        Effect: 'Allow',
        Principal: principal,
        Action: props.Action,
        Resource: arn,
        ...(props.Condition ? { Condition: { StringEquals: { [props.Condition.Key]: props.Condition.Value } } } : {}),
      },
    ],
  ];
}

/** The stack name CloudFormation gives a StackSet's instance: "StackSet-<name>-<uuid>", the uuid its own. */
export function stackSetInstanceName(stackSetName: string, account: string, region: string): string {
  const h = createHash('sha256').update(`${stackSetName}/${account}/${region}`).digest('hex');
  return `StackSet-${stackSetName}-${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Every deployed stack of a synthesized app: the app's stacks (each with its explicit env) and an
 * instance of the member StackSet in each workload account and region its deployment targets reach,
 * tagged with the StackSet's tags as CloudFormation propagates them. Instances in several regions of
 * one account share its IAM namespace, so a fixed role name shows up as a duplicate ARN.
 */
export function stackInputsOf(
  app: App,
  stacks: readonly Stack[],
  memberTemplate: Record<string, unknown>,
  layout: OrganizationLayout,
  workloadAccounts: readonly string[] = [WORKLOAD_ACCOUNT],
): StackInput[] {
  const assembly = app.synth();
  const inputs: StackInput[] = stacks.map((stack) => ({
    stackName: stack.stackName,
    account: stack.account,
    region: stack.region,
    template: assembly.getStackArtifact(stack.artifactId).template as CfnTemplate,
    stackTags: stack.tags.tagValues(),
  }));
  const body = JSON.stringify(memberTemplate);
  for (const input of [...inputs]) {
    const resolver = new TemplateResolver(input);
    for (const [logicalId, resource] of Object.entries(resolver.resources)) {
      if (resource.Type !== 'AWS::CloudFormation::StackSet') continue;
      const props = resolver.resolve(resource.Properties ?? {}) as Record<string, any>;
      if (props.TemplateBody !== body) continue;
      const targets = new Set<string>((props.StackInstancesGroup ?? []).flatMap((g: any) => g.DeploymentTargets?.OrganizationalUnitIds ?? []));
      const regions = [...new Set((props.StackInstancesGroup ?? []).flatMap((g: any) => g.Regions ?? []) as string[])];
      for (const account of workloadAccounts) {
        const ou = layout.members.get(account);
        if (!targets.has(layout.rootId) && !(ou && targets.has(ou))) continue;
        for (const region of regions) {
          inputs.push({
            stackName: stackSetInstanceName(resolver.physicalName(logicalId), account, region),
            account,
            region,
            template: memberTemplate as CfnTemplate,
            stackTags: tagsOf(props.Tags),
          });
        }
      }
    }
  }
  return inputs;
}
