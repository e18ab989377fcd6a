/**
 * CloudFormation intrinsics resolved to the values they take once a stack is deployed, for the
 * organization simulation (organization-policies.ts). Every stack of the kit has an explicit env
 * (account, region), and every name the stacks share is a physical name in the template (BucketName,
 * TopicName, RoleName, Name, AliasName, ...). A resource without one gets a deterministic placeholder
 * shaped like the name CloudFormation would generate (stack name, logical id, random suffix), so no
 * pattern in a policy can match it by accident. Conditions are evaluated with the stack's env (a
 * StackSet template creates some resources in one region only). What cannot be resolved (imports,
 * mappings, GetAZs) throws: an unresolved value must never turn into a wildcard.
 */
import { createHash } from 'node:crypto';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
}

/** One deployed stack: its template and where it runs. */
export interface StackInput {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: CfnTemplate;
  /**
   * Tags CloudFormation propagates to every resource of the stack that supports tags: the stack's own
   * tags, or the tags of the StackSet that created it (AWS CloudFormation user guide,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stackset.html#cfn-cloudformation-stackset-tags).
   */
  readonly stackTags?: Readonly<Record<string, string>>;
}

export const PARTITION = 'aws';

/** Ref AWS::NoValue: the property or list element disappears. */
const NO_VALUE = Symbol('AWS::NoValue');

/** The property holding each type's physical name. */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Policy': 'PolicyName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudTrail::Trail': 'TrailName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::Organizations::Policy': 'Name',
  'AWS::CloudFormation::StackSet': 'StackSetName',
};

function digest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

export class TemplateResolver {
  readonly resources: Readonly<Record<string, CfnResource>>;

  constructor(readonly stack: StackInput) {
    this.resources = stack.template.Resources ?? {};
  }

  /** False when the resource's Condition keeps CloudFormation from creating it in this stack. */
  exists(logicalId: string): boolean {
    const { Condition } = this.resource(logicalId);
    return Condition === undefined || this.condition(Condition);
  }

  private readonly conditions = new Map<string, boolean>();

  /** A template condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition), evaluated once. */
  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const expression = this.stack.template.Conditions?.[name];
    if (expression === undefined) throw new Error(`${this.stack.stackName}: no condition ${name}`);
    const value = this.truth(expression);
    this.conditions.set(name, value);
    return value;
  }

  private truth(expression: unknown): boolean {
    const [[fn, argument] = []] = Object.entries((expression ?? {}) as Record<string, unknown>);
    const list = argument as unknown[];
    switch (fn) {
      case 'Condition':
        return this.condition(String(argument));
      case 'Fn::Equals':
        return JSON.stringify(this.walk(list[0])) === JSON.stringify(this.walk(list[1]));
      case 'Fn::And':
        return list.every((e) => this.truth(e));
      case 'Fn::Or':
        return list.some((e) => this.truth(e));
      case 'Fn::Not':
        return !this.truth(list[0]);
      default:
        throw new Error(`${this.stack.stackName}: condition ${JSON.stringify(expression)} is not modelled`);
    }
  }

  resource(logicalId: string): CfnResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`${this.stack.stackName}: no resource ${logicalId}`);
    return resource;
  }

  /** Deep-resolves every intrinsic in a value. */
  resolve(value: unknown): unknown {
    const resolved = this.walk(value);
    if (resolved === NO_VALUE) return undefined;
    return resolved;
  }

  /** A resolved value that must be a string. */
  string(value: unknown, what: string): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`${this.stack.stackName}: ${what} resolves to ${JSON.stringify(resolved)}, not a string`);
    return resolved;
  }

  /** The name the resource is created with: its name property, or CloudFormation's generated form. */
  physicalName(logicalId: string): string {
    const { Type, Properties = {} } = this.resource(logicalId);
    const property = NAME_PROPERTY[Type];
    if (property && Properties[property] !== undefined) return this.string(Properties[property], `${logicalId}.${property}`);
    if (Type === 'AWS::KMS::Key') return this.keyId(logicalId);
    const generated = `${this.stack.stackName}-${logicalId}-${digest(`${this.stack.account}/${this.stack.region}/${this.stack.stackName}/${logicalId}`, 12).toUpperCase()}`;
    // Bucket names are lower-case and at most 63 characters; role names at most 64.
    if (Type === 'AWS::S3::Bucket') return generated.toLowerCase().slice(0, 63);
    return generated.slice(0, 64);
  }

  /** A KMS key has no name: its id is a UUID CloudFormation cannot know in advance. */
  private keyId(logicalId: string): string {
    const h = digest(`${this.stack.account}/${this.stack.region}/${this.stack.stackName}/${logicalId}`, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** The resource's own ARN, for the types the simulation indexes; undefined for the rest. */
  arn(logicalId: string): string | undefined {
    const { Type, Properties = {} } = this.resource(logicalId);
    const { account, region } = this.stack;
    const name = () => this.physicalName(logicalId);
    switch (Type) {
      case 'AWS::S3::Bucket':
        return `arn:${PARTITION}:s3:::${name()}`;
      case 'AWS::KMS::Key':
        return `arn:${PARTITION}:kms:${region}:${account}:key/${name()}`;
      case 'AWS::KMS::Alias':
        return `arn:${PARTITION}:kms:${region}:${account}:${name()}`;
      case 'AWS::SNS::Topic':
        return `arn:${PARTITION}:sns:${region}:${account}:${name()}`;
      case 'AWS::SQS::Queue':
        return `arn:${PARTITION}:sqs:${region}:${account}:${name()}`;
      case 'AWS::IAM::Role':
        return `arn:${PARTITION}:iam::${account}:role/${this.iamPath(Properties)}${name()}`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${PARTITION}:iam::${account}:policy/${this.iamPath(Properties)}${name()}`;
      case 'AWS::Events::EventBus':
        return `arn:${PARTITION}:events:${region}:${account}:event-bus/${name()}`;
      case 'AWS::Events::Rule': {
        const bus = Properties.EventBusName === undefined ? 'default' : this.string(Properties.EventBusName, `${logicalId}.EventBusName`);
        const busName = bus.includes(':event-bus/') ? bus.split(':event-bus/')[1]! : bus;
        return `arn:${PARTITION}:events:${region}:${account}:rule/${busName === 'default' ? '' : `${busName}/`}${name()}`;
      }
      case 'AWS::Logs::LogGroup':
        return `arn:${PARTITION}:logs:${region}:${account}:log-group:${name()}`;
      case 'AWS::CloudWatch::Alarm':
        return `arn:${PARTITION}:cloudwatch:${region}:${account}:alarm:${name()}`;
      case 'AWS::CloudTrail::Trail':
        return `arn:${PARTITION}:cloudtrail:${region}:${account}:trail/${name()}`;
      default:
        return undefined;
    }
  }

  private iamPath(properties: Record<string, unknown>): string {
    const path = properties.Path === undefined ? '/' : this.string(properties.Path, 'Path');
    return path.replace(/^\//, '');
  }

  /** What Ref returns for each type (AWS CloudFormation template reference, "Return values" of each type). */
  ref(logicalId: string): string {
    const { Type } = this.resource(logicalId);
    switch (Type) {
      case 'AWS::SNS::Topic':
      case 'AWS::IAM::ManagedPolicy':
        return this.arn(logicalId)!;
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.stack.region}.amazonaws.com/${this.stack.account}/${this.physicalName(logicalId)}`;
      default:
        return this.physicalName(logicalId);
    }
  }

  getAtt(logicalId: string, attribute: string): string {
    const { Type } = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    const arn = this.arn(logicalId);
    switch (`${Type}.${attribute}`) {
      case 'AWS::Logs::LogGroup.Arn':
        // CloudWatch Logs returns the group's ARN with a trailing ":*".
        return `${arn}:*`;
      case 'AWS::SNS::Topic.TopicArn':
        return arn!;
      case 'AWS::SNS::Topic.TopicName':
      case 'AWS::SQS::Queue.QueueName':
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId);
      case 'AWS::KMS::Key.KeyId':
        return name;
      case 'AWS::IAM::Role.RoleId':
        return `AROA${digest(arn!, 17).toUpperCase()}`;
      case 'AWS::S3::Bucket.DomainName':
        return `${name}.s3.amazonaws.com`;
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${name}.s3.${this.stack.region}.amazonaws.com`;
      default:
        if (attribute === 'Arn' && arn) return arn;
        throw new Error(`${this.stack.stackName}: Fn::GetAtt ${logicalId}.${attribute} (${Type}) is not modelled`);
    }
  }

  private pseudo(name: string): unknown {
    const { account, region, stackName } = this.stack;
    switch (name) {
      case 'AWS::AccountId':
        return account;
      case 'AWS::Region':
        return region;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:${PARTITION}:cloudformation:${region}:${account}:stack/${stackName}/00000000-0000-4000-8000-000000000000`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        return undefined;
    }
  }

  private refTo(name: string): unknown {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    if (this.resources[name]) return this.ref(name);
    const parameter = this.stack.template.Parameters?.[name];
    if (parameter && parameter.Default !== undefined) return parameter.Default;
    throw new Error(`${this.stack.stackName}: Ref ${name} names nothing in the template`);
  }

  private sub(text: string, variables: Record<string, unknown>): string {
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, expression: string) => {
      if (literal) return `\${${expression}}`;
      if (expression in variables) return String(this.walk(variables[expression]));
      if (expression.includes('.') && !expression.startsWith('AWS::')) {
        const [id, ...attribute] = expression.split('.');
        return this.getAtt(id!, attribute.join('.'));
      }
      return String(this.refTo(expression));
    });
  }

  private walk(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.walk(v)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0]!;
      switch (key) {
        case 'Ref':
          return this.refTo(String(argument));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(argument) ? argument.map(String) : String(argument).split(/\.(.*)/);
          return this.getAtt(id!, attribute!);
        }
        case 'Fn::Join': {
          const [delimiter, list] = argument as [string, unknown];
          return (this.walk(list) as unknown[]).map(String).join(delimiter);
        }
        case 'Fn::Sub':
          return Array.isArray(argument) ? this.sub(String(argument[0]), (argument[1] ?? {}) as Record<string, unknown>) : this.sub(String(argument), {});
        case 'Fn::Select': {
          const [index, list] = argument as [unknown, unknown];
          return (this.walk(list) as unknown[])[Number(this.walk(index))];
        }
        case 'Fn::Split': {
          const [delimiter, text] = argument as [string, unknown];
          return String(this.walk(text)).split(delimiter);
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
          return this.walk(this.condition(name) ? whenTrue : whenFalse);
        }
        case 'Fn::ImportValue':
        case 'Fn::GetAZs':
        case 'Fn::FindInMap':
        case 'Fn::Transform':
          // Exports and mappings are not used by the kit's stacks (no cross-account exports by design).
          throw new Error(`${this.stack.stackName}: ${key} is not modelled by the organization simulation`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, inner] of entries) {
      const resolved = this.walk(inner);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }
}
