/**
 * aws.hunting: the Glue database and partition-projected CloudTrail table, and the Athena workgroup with
 * its results bucket and key, synthesized (cdk-nag's AwsSolutions and NIST 800-53 R5 packs included: an
 * unacknowledged finding fails synth) in the account holding the trail's bucket.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import {
  CLOUDTRAIL_COLUMNS,
  CLOUDTRAIL_INPUT_FORMAT,
  CLOUDTRAIL_OUTPUT_FORMAT,
  CLOUDTRAIL_SERDE,
  CloudTrailHunting,
  type CloudTrailHuntingProps,
} from '../../../constructs/aws/cloudtrail-hunting.ts';
import { ATHENA_CLOUDTRAIL_COLUMNS, athenaTypeText } from '../../../core/detection/compilers/athena-cloudtrail-columns.ts';
import { synthAws } from '../../helpers/aws-app.ts';
import { configErrorOf, exampleModel, type Editable } from '../../helpers/config.ts';

/**
 * The column list of the CREATE TABLE statement in the Athena user guide, "Create the table for CloudTrail
 * logs in Athena using partition projection"
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html), as printed there.
 */
const USER_GUIDE_COLUMNS = `
    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        onbehalfof: STRUCT<
             userid: STRING,
             identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<
                mfaauthenticated: STRING,
                creationdate: STRING>,
            sessionissuer: STRUCT<
                type: STRING,
                principalid: STRING,
                arn: STRING,
                accountid: STRING,
                username: STRING>,
            ec2roledelivery:string,
            webidfederationdata: STRUCT<
                federatedprovider: STRING,
                attributes: map<string,string>>
        >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<
        arn: STRING,
        accountid: STRING,
        type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    vpcendpointaccountid STRING,
    eventcategory STRING,
    addendum STRUCT<
      reason:STRING,
      updatedfields:STRING,
      originalrequestid:STRING,
      originaleventid:STRING>,
    sessioncredentialfromconsole STRING,
    edgedevicedetails STRING,
    tlsdetails STRUCT<
      tlsversion:STRING,
      ciphersuite:STRING,
      clientprovidedhostheader:STRING>`;

/** DDL columns as Glue stores them: top-level commas split columns, types lowercase without spaces. */
function ddlColumns(ddl: string): { name: string; type: string }[] {
  const columns: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of ddl) {
    if (char === '<') depth++;
    if (char === '>') depth--;
    if (char === ',' && depth === 0) {
      columns.push(current);
      current = '';
    } else current += char;
  }
  columns.push(current);
  return columns.map((column) => {
    const [name, ...type] = column.trim().split(/\s+/);
    return { name: name!, type: type.join('').toLowerCase() };
  });
}

const hunting =
  (extra: Editable = {}) =>
  (c: Editable) =>
    (c.aws.hunting = { enabled: true, ...extra });

const sra = await synthAws(exampleModel(hunting()));
const table = () => only(sra.evidence, 'AWS::Glue::Table').TableInput;
type Resource = { Properties: Record<string, any>; Type: string };
function only(template: Template, type: string): Record<string, any> {
  const found = Object.values(template.findResources(type)) as Resource[];
  expect(found, type).toHaveLength(1);
  return found[0]!.Properties;
}

describe('the CloudTrail table', () => {
  it("has exactly the user guide's columns, SerDe and formats", () => {
    expect(ddlColumns(USER_GUIDE_COLUMNS)).toEqual(CLOUDTRAIL_COLUMNS);
    const descriptor = table().StorageDescriptor;
    expect(descriptor.Columns).toEqual(ddlColumns(USER_GUIDE_COLUMNS).map(({ name, type }) => ({ Name: name, Type: type })));
    expect(descriptor.SerdeInfo).toEqual({ SerializationLibrary: CLOUDTRAIL_SERDE });
    expect([descriptor.InputFormat, descriptor.OutputFormat]).toEqual([CLOUDTRAIL_INPUT_FORMAT, CLOUDTRAIL_OUTPUT_FORMAT]);
    expect([CLOUDTRAIL_SERDE, CLOUDTRAIL_INPUT_FORMAT, CLOUDTRAIL_OUTPUT_FORMAT]).toEqual([
      'org.apache.hive.hcatalog.data.JsonSerDe',
      'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
      'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    ]);
  });

  it("declares exactly the columns the Athena SQL printer compiles against, with the printer's types", () => {
    expect(CLOUDTRAIL_COLUMNS).toEqual(ATHENA_CLOUDTRAIL_COLUMNS.map(({ name, type }) => ({ name, type: athenaTypeText(type).toLowerCase() })));
  });

  it("projects account (injected), region (the partition's regions) and day over the organization trail's prefix", () => {
    const { Parameters: p, PartitionKeys, StorageDescriptor, TableType } = table();
    expect(TableType).toBe('EXTERNAL_TABLE');
    expect(PartitionKeys).toEqual([
      { Name: 'account', Type: 'string' },
      { Name: 'region', Type: 'string' },
      { Name: 'timestamp', Type: 'string' },
    ]);
    expect(
      Object.keys(p)
        .filter((k) => k.startsWith('projection.'))
        .sort(),
    ).toEqual([
      'projection.account.type',
      'projection.enabled',
      'projection.region.type',
      'projection.region.values',
      'projection.timestamp.format',
      'projection.timestamp.interval',
      'projection.timestamp.interval.unit',
      'projection.timestamp.range',
      'projection.timestamp.type',
    ]);
    expect(p).toMatchObject({
      'projection.enabled': 'true',
      'projection.account.type': 'injected',
      'projection.region.type': 'enum',
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.interval': '1',
      'projection.timestamp.interval.unit': 'DAYS',
      // The example's deepArchiveAfterDays: older logs are in Glacier Deep Archive.
      'projection.timestamp.range': 'NOW-365DAYS,NOW',
      read_restored_glacier_objects: 'true',
    });
    const regions = (p['projection.region.values'] as string).split(',');
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1']));
    expect(regions.filter((r) => r.startsWith('cn-') || r.startsWith('us-gov-'))).toEqual([]);
    expect(StorageDescriptor.Location).toBe('s3://guardrails-org-trail-222233334444-us-east-1/AWSLogs/o-a1b2c3d4e5/');
    expect(p['storage.location.template']).toBe(
      's3://guardrails-org-trail-222233334444-us-east-1/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}',
    );
  });

  it('resolves, for one account, region and day, to the prefix of the log files the organization trail delivers', () => {
    // Organization trails write under AWSLogs/<org id>/<account>/CloudTrail/<region>/YYYY/MM/DD/, files named
    // AccountID_CloudTrail_RegionName_YYYYMMDDTHHmmZ_UniqueString.json.gz (CloudTrail user guide, "CloudTrail log
    // file examples": https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html).
    const delivered =
      's3://guardrails-org-trail-222233334444-us-east-1/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/2026/11/30/444455556666_CloudTrail_eu-west-1_20261130T0210Z_Mu0KsOhtH1ar15ZZ.json.gz';
    const values: Record<string, string> = { account: '444455556666', region: 'eu-west-1', timestamp: '2026/11/30' };
    const resolved = (table().Parameters['storage.location.template'] as string).replace(/\$\{(\w+)\}/g, (_, key: string) => values[key]!);
    expect(delivered.startsWith(`${resolved}/`)).toBe(true);
    expect(delivered.replace('/eu-west-1/2026', '/us-east-1/2026').startsWith(`${resolved}/`)).toBe(false);
  });

  it('is in the database, which the table depends on', () => {
    const database = only(sra.evidence, 'AWS::Glue::Database');
    expect(database.DatabaseInput.Name).toBe('guardrails_hunting');
    expect(only(sra.evidence, 'AWS::Glue::Table').DatabaseName).toBe('guardrails_hunting');
    const [tableResource] = Object.values(sra.evidence.findResources('AWS::Glue::Table')) as { DependsOn?: string[] }[];
    expect(tableResource!.DependsOn).toEqual([expect.stringMatching(/^HuntingDatabase/)]);
  });
});

describe('the Athena workgroup', () => {
  it('enforces its configuration: KMS-encrypted results in its own bucket, a scan cutoff, metrics, engine version 3', () => {
    const workgroup = only(sra.evidence, 'AWS::Athena::WorkGroup');
    const [keyId] = Object.keys(sra.evidence.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('guardrails-hunting') } }));
    const [bucketId] = Object.keys(
      sra.evidence.findResources('AWS::S3::Bucket', {
        Properties: { BucketEncryption: Match.anyValue(), LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-query-results' })] } },
      }),
    );
    expect(workgroup.Name).toBe('guardrails-hunting');
    expect(workgroup.WorkGroupConfiguration).toEqual({
      EnforceWorkGroupConfiguration: true,
      PublishCloudWatchMetricsEnabled: true,
      BytesScannedCutoffPerQuery: 1024 * 1024 ** 3,
      RequesterPaysEnabled: false,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      ResultConfiguration: {
        OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/results/']] },
        ExpectedBucketOwner: '222233334444',
        EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      },
    });
  });

  it('takes its name, cutoff, retention and lookback from the config', async () => {
    const custom = await synthAws(
      exampleModel(hunting({ workgroupName: 'soc-hunts', databaseName: 'soc_trail', bytesScannedCutoffGb: 50, resultsRetentionDays: 7, lookbackDays: 90 })),
    );
    const workgroup = only(custom.evidence, 'AWS::Athena::WorkGroup');
    expect([workgroup.Name, workgroup.WorkGroupConfiguration.BytesScannedCutoffPerQuery]).toEqual(['soc-hunts', 50 * 1024 ** 3]);
    expect(only(custom.evidence, 'AWS::Glue::Database').DatabaseInput.Name).toBe('soc_trail');
    expect(only(custom.evidence, 'AWS::Glue::Table').TableInput.Parameters['projection.timestamp.range']).toBe('NOW-90DAYS,NOW');
    custom.evidence.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Id: 'expire-query-results', ExpirationInDays: 7, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })],
      },
    });
  });
});

describe('the results bucket and key', () => {
  const resultsBucket = () => {
    const buckets = sra.evidence.findResources('AWS::S3::Bucket', {
      Properties: { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-query-results' })] } },
    });
    expect(Object.keys(buckets)).toHaveLength(1);
    return Object.entries(buckets)[0]! as [string, Resource];
  };

  it('is private, KMS-encrypted with the results key, versioned, expiring, logged to the trail access-log bucket', () => {
    const [, bucket] = resultsBucket();
    const [keyId] = Object.keys(sra.evidence.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('guardrails-hunting') } }));
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
        ],
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: expect.stringMatching(/^EvidenceAccessLogsBucket/) },
        LogFilePrefix: 'hunting-results/guardrails-hunting/',
      },
    });
    expect(
      sra.evidence.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('guardrails-hunting') } }),
    ).not.toEqual({});
  });

  it('denies every request without TLS, and TLS older than 1.2', () => {
    const [bucketId] = resultsBucket();
    const [policy] = Object.values(sra.evidence.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } })) as Resource[];
    expect(policy!.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    );
  });

  it('carries the protection tag on the key, the bucket and the workgroup (Glue takes no tags in CloudFormation)', () => {
    const tag = { Key: 'guardrails:protected', Value: 'true' };
    const [bucketId] = resultsBucket();
    expect(sra.evidence.toJSON().Resources[bucketId].Properties.Tags).toContainEqual(tag);
    expect(only(sra.evidence, 'AWS::Athena::WorkGroup').Tags).toContainEqual(tag);
    const [key] = Object.values(
      sra.evidence.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('guardrails-hunting') } }),
    ) as Resource[];
    expect(key!.Properties.Tags).toContainEqual(tag);
  });

  it('are retained when the stack is deleted, as the evidence store is', () => {
    const [bucketId] = resultsBucket();
    const resources = sra.evidence.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties: { Description?: string } }>;
    const key = Object.values(resources).find((r) => r.Type === 'AWS::KMS::Key' && r.Properties.Description?.includes('guardrails-hunting'));
    expect([resources[bucketId]!.DeletionPolicy, key?.DeletionPolicy]).toEqual(['Retain', 'Retain']);
  });
});

describe('where it goes', () => {
  it('nowhere without aws.hunting, nor with enabled: false', async () => {
    for (const model of [exampleModel(), exampleModel(hunting({ enabled: false }))]) {
      const { stacks } = await synthAws(model);
      for (const template of Object.values(stacks)) {
        for (const type of ['AWS::Glue::Database', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup']) expect(template.findResources(type)).toEqual({});
      }
    }
  });

  it('into the log-archive stack in the AWS SRA layout, the management stack in the single-account layout', async () => {
    expect(Object.keys(sra.template.findResources('AWS::Athena::WorkGroup'))).toEqual([]);
    expect(Object.keys(sra.evidence.findResources('AWS::Athena::WorkGroup'))).toHaveLength(1);
    const single = await synthAws(
      exampleModel((c) => {
        delete c.aws.logArchiveAccountId;
        delete c.aws.securityAccountId;
        hunting()(c);
      }),
    );
    expect(Object.keys(single.template.findResources('AWS::Athena::WorkGroup'))).toHaveLength(1);
    expect(only(single.template, 'AWS::Glue::Table').TableInput.StorageDescriptor.Location).toBe(
      's3://guardrails-org-trail-111122223333-us-east-1/AWSLogs/o-a1b2c3d4e5/',
    );
  });
});

describe('used on its own', () => {
  const build = (props: Partial<CloudTrailHuntingProps>) => {
    const stack = new Stack(new App(), 'S', { env: { account: '222233334444', region: 'us-east-1' } });
    const accessLogsBucket = s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs');
    return () => new CloudTrailHunting(stack, 'Hunting', { organizationId: 'o-a1b2c3d4e5', trailBucketName: 'trail', accessLogsBucket, ...props });
  };

  it("refuses a cutoff under Athena's 10 MB minimum and an empty region list, in one line", () => {
    expect(configErrorOf(build({ bytesScannedCutoffGb: 0.005 }))).toBe(
      "S/Hunting props.bytesScannedCutoffGb: (0.005) is under Athena's minimum of 10 MB. Use 1 or more.",
    );
    expect(configErrorOf(build({ regions: [] }))).toBe('S/Hunting props.regions: is empty, so the table would project no partition. List at least one region.');
    expect(build({ bytesScannedCutoffGb: 0.01 })).not.toThrow();
  });
});
