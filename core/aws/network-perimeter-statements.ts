/**
 * The network perimeter: API calls from outside the trusted networks are denied. The design is the one
 * of aws-samples/data-perimeter-policy-examples (service_control_policies/network_perimeter_sourcevpc_scp.json
 * and service_specific_controls/network_perimeter_{lambda,ec2,glue}_scp.json): a Deny with NotAction for
 * the data-plane actions that reach resources inside a VPC without a VPC endpoint, the
 * aws:ec2-infrastructure exemption, and the credentials AWS issues to code it runs (Lambda, EC2, Glue)
 * recognised by the keys IAM puts in their session.
 *
 * Those keys travel with the credentials: a function's credentials carry lambda:SourceFunctionArn
 * wherever they are used (Lambda developer guide, "Using source function ARN to control function access
 * behavior": Lambda injects it "into the credentials context"), and the examples use such keys with
 * Null "false" to *hold* these sessions to the perimeter, never to exempt them. So a stolen function or
 * instance credential is denied outside the trusted networks like any other; what the keys exempt is
 * the narrow list of calls the service itself makes with them from its own network (log and trace
 * delivery).
 *
 * Default scope: every principal (deny by default). With aws.perimeterIncludeTag, the examples' opt-in
 * scope: only principals tagged <tag>=true, plus the Lambda, EC2 and Glue sessions.
 */
import type { TrustedContext } from '../config/model.ts';
import type { ConditionBlock, PolicyStatement } from './policy-document.ts';
import type { ControlStatement, PerimeterNote, PerimeterSettings } from './perimeter-statements.ts';
import { exceptPrincipals, networkExemptArns } from './scp-exemptions.ts';

/**
 * Actions on resources that live in a VPC and are reached through a network interface there, not an
 * AWS API endpoint or a VPC endpoint, so their requests carry no aws:SourceVpc (DAX, Neptune, EFS, RDS
 * and MSK IAM authentication, OpenSearch domains with VPC access, S3 on Outposts). The exact list of the
 * examples' current network_perimeter_sourcevpc_scp.json; service_control_policies/README.md gives the
 * reason for each. Security groups and NACLs are the perimeter for these.
 */
export const VPC_DATA_PLANE_ACTIONS = [
  'es:ES*',
  'dax:GetItem',
  'dax:BatchGetItem',
  'dax:Query',
  'dax:Scan',
  'dax:PutItem',
  'dax:UpdateItem',
  'dax:DeleteItem',
  'dax:BatchWriteItem',
  'dax:ConditionCheckItem',
  'neptune-db:*',
  'kafka-cluster:*',
  'elasticfilesystem:client*',
  'rds-db:connect',
  's3-outposts:*',
] as const;

/**
 * Calls Lambda and Glue make with the function's or job's role from their own networks: log and trace
 * delivery. Lambda sends lambda:SourceFunctionArn with CloudWatch Logs CreateLogGroup/CreateLogStream/
 * PutLogEvents, X-Ray PutTraceSegments and EFS ClientMount (Lambda developer guide, page above; the
 * examples' network_perimeter_lambda_scp.json lists them in NotAction). Glue calls CloudWatch Logs
 * "directly from its network" (examples, service_specific_guidance/glue-specific-guidance.md;
 * network_perimeter_glue_scp.json). EFS ClientMount is already a VPC data-plane action above.
 */
export const SERVICE_DELIVERY_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments'] as const;
const LOG_DELIVERY_ACTIONS = SERVICE_DELIVERY_ACTIONS.filter((a) => a.startsWith('logs:'));

/** Keys AWS puts in the sessions it creates for code it runs, as the examples spell them. */
export const CODE_SESSION_KEYS = {
  lambda: 'lambda:SourceFunctionArn',
  /** Examples' network_perimeter_ec2_scp.json: "target role sessions that are created for applications running on your Amazon EC2 instances". */
  ec2: 'ec2:SourceInstanceARN',
  /** Examples' network_perimeter_glue_scp.json. */
  glue: 'glue:CredentialIssuingService',
} as const;

export function networkPerimeterStatements(aws: PerimeterSettings, trusted: TrustedContext, notes: PerimeterNote[]): ControlStatement[] {
  const { cidrs, awsVpcs, awsVpcEndpointIds } = trusted;
  if (cidrs.length + awsVpcs.length + awsVpcEndpointIds.length === 0) {
    notes.push({ control: 'networkPerimeter', note: 'no trusted networks configured: the network perimeter statement is not generated' });
    return [];
  }
  const outside = outsideTrustedNetworks(aws, trusted);
  const include = aws.perimeterIncludeTag;
  const inScope: ConditionBlock = include ? { StringEquals: { [`aws:PrincipalTag/${include}`]: 'true' } } : {};
  const statements: PolicyStatement[] = [
    {
      Sid: 'DenyApiCallsFromOutsideTrustedNetworks',
      Effect: 'Deny',
      NotAction: [...VPC_DATA_PLANE_ACTIONS, ...SERVICE_DELIVERY_ACTIONS],
      Resource: '*',
      Condition: { ...outside, ...inScope },
    },
    {
      // Log and trace delivery are held to the perimeter too, except for the sessions of the services
      // that deliver them from their own networks (Null "true": neither key is in the request).
      Sid: 'DenyLogDeliveryFromOutsideTrustedNetworks',
      Effect: 'Deny',
      Action: [...SERVICE_DELIVERY_ACTIONS],
      Resource: '*',
      Condition: { ...outside, ...inScope, Null: { [CODE_SESSION_KEYS.lambda]: 'true', [CODE_SESSION_KEYS.glue]: 'true' } },
    },
  ];
  if (include) {
    // Opt-in scope: the sessions AWS creates for code it runs are held to the perimeter whether or not
    // their role is tagged, as the examples' service-specific SCPs do (Null "false": the key is present).
    const session = (Sid: string, key: string, exceptions: readonly string[]): PolicyStatement => ({
      Sid,
      Effect: 'Deny',
      NotAction: [...VPC_DATA_PLANE_ACTIONS, ...exceptions],
      Resource: '*',
      Condition: { ...outside, Null: { [key]: 'false' } },
    });
    statements.push(
      session('DenyLambdaCredentialsFromOutsideTrustedNetworks', CODE_SESSION_KEYS.lambda, SERVICE_DELIVERY_ACTIONS),
      session('DenyEc2CredentialsFromOutsideTrustedNetworks', CODE_SESSION_KEYS.ec2, []),
      session('DenyGlueCredentialsFromOutsideTrustedNetworks', CODE_SESSION_KEYS.glue, LOG_DELIVERY_ACTIONS),
    );
    notes.push({
      control: 'networkPerimeter',
      note: `aws.perimeterIncludeTag is set: only principals tagged ${include}=true, and the credentials AWS issues to Lambda functions, EC2 instances and Glue jobs, are held to the network perimeter`,
    });
  } else {
    notes.push({
      control: 'networkPerimeter',
      note: 'deny by default: service roles that AWS services use from their own networks (e.g. a Lambda execution role polling SQS or decrypting with KMS, CodeBuild, Step Functions, EventBridge targets) are denied unless listed in automation.aws.roleArns or tagged exempt; aws.perimeterIncludeTag switches to opt-in',
    });
  }
  return [...statements, ...vpcRegionPairing(aws, trusted)].map((statement) => ({ control: 'networkPerimeter', statement }));
}

/**
 * True when the request comes from outside every trusted context. The keys are ANDed, so a request is
 * denied only if it fails all of them; *IfExists makes an absent key count as "outside" (a call through
 * a VPC endpoint has no aws:SourceIp; a call from the Internet has no aws:SourceVpc).
 */
function outsideTrustedNetworks(aws: PerimeterSettings, trusted: TrustedContext): ConditionBlock {
  const { cidrs, awsVpcs, awsVpcEndpointIds } = trusted;
  const notTrustedVpc: Record<string, readonly string[]> = {};
  if (awsVpcs.length > 0) notTrustedVpc['aws:SourceVpc'] = awsVpcs.map((v) => v.id);
  if (awsVpcEndpointIds.length > 0) notTrustedVpc['aws:SourceVpce'] = awsVpcEndpointIds;
  return {
    ...(cidrs.length > 0 ? { NotIpAddressIfExists: { 'aws:SourceIp': cidrs } } : {}),
    StringNotEqualsIfExists: { ...notTrustedVpc, [`aws:PrincipalTag/${aws.perimeterExemptionTag}`]: 'true' },
    // Calls an AWS service makes with the caller's credentials (forward access sessions) come from AWS networks.
    BoolIfExists: { 'aws:ViaAWSService': 'false' },
    ...exceptPrincipals(networkExemptArns(aws)),
  };
}

/**
 * A VPC id is trusted only in its own region: a request naming it for another region did not come
 * through the VPC we trust (examples' SourceVPCRegion statements). One statement per region keeps each
 * self-contained.
 */
function vpcRegionPairing(aws: PerimeterSettings, trusted: TrustedContext): PolicyStatement[] {
  const exempt = exceptPrincipals([...aws.breakGlassRoleArns, ...aws.automationRoleArns]);
  const regions = [...new Set(trusted.awsVpcs.map((v) => v.region))].sort();
  return regions.map((region) => ({
    Sid: `DenyTrustedVpcOutsideItsRegion${region.replace(/[^a-z0-9]/g, '')}`,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: { 'aws:SourceVpc': trusted.awsVpcs.filter((v) => v.region === region).map((v) => v.id) },
      StringNotEquals: { 'aws:RequestedRegion': region },
      BoolIfExists: { 'aws:ViaAWSService': 'false' },
      ...exempt,
    },
  }));
}
