/**
 * The columns of the CloudTrail table the Athena user guide documents, "Create the table for CloudTrail
 * logs in Athena using partition projection"
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html),
 * as the Athena SQL printer (sql-athena.ts) reads them and the Glue table must declare them. Hive lower-cases
 * column and struct field names; the JSON objects of the record (requestParameters and the like) are
 * STRING columns holding their JSON text.
 */
export type AthenaType =
  | { readonly kind: 'string' }
  | { readonly kind: 'map' }
  | { readonly kind: 'struct'; readonly fields: Readonly<Record<string, AthenaType>> }
  | { readonly kind: 'array'; readonly element: AthenaType };

const string: AthenaType = { kind: 'string' };
const struct = (fields: Record<string, AthenaType>): AthenaType => ({ kind: 'struct', fields });
const strings = (...names: string[]): Record<string, AthenaType> => Object.fromEntries(names.map((n) => [n, string]));

export interface AthenaColumn {
  readonly name: string;
  readonly type: AthenaType;
}

export const ATHENA_CLOUDTRAIL_TABLE_DOC = 'https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html';

/** The data columns of the page's table (`cloudtrail_logs_pp` there, `cloudtrail` as aws.hunting deploys it), in the page's order (the partition column `timestamp` is not one). */
export const ATHENA_CLOUDTRAIL_COLUMNS: readonly AthenaColumn[] = [
  { name: 'eventversion', type: string },
  {
    name: 'useridentity',
    type: struct({
      ...strings('type', 'principalid', 'arn', 'accountid', 'invokedby', 'accesskeyid', 'username'),
      onbehalfof: struct(strings('userid', 'identitystorearn')),
      sessioncontext: struct({
        attributes: struct(strings('mfaauthenticated', 'creationdate')),
        sessionissuer: struct(strings('type', 'principalid', 'arn', 'accountid', 'username')),
        ec2roledelivery: string,
        webidfederationdata: struct({ federatedprovider: string, attributes: { kind: 'map' } }),
      }),
    }),
  },
  ...['eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent', 'errorcode', 'errormessage'].map((name) => ({
    name,
    type: string,
  })),
  ...['requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid', 'readonly'].map((name) => ({ name, type: string })),
  { name: 'resources', type: { kind: 'array', element: struct(strings('arn', 'accountid', 'type')) } },
  ...['eventtype', 'apiversion', 'recipientaccountid', 'serviceeventdetails', 'sharedeventid', 'vpcendpointid', 'vpcendpointaccountid', 'eventcategory'].map(
    (name) => ({ name, type: string }),
  ),
  { name: 'addendum', type: struct(strings('reason', 'updatedfields', 'originalrequestid', 'originaleventid')) },
  { name: 'sessioncredentialfromconsole', type: string },
  { name: 'edgedevicedetails', type: string },
  { name: 'tlsdetails', type: struct(strings('tlsversion', 'ciphersuite', 'clientprovidedhostheader')) },
];

/** STRING columns holding a JSON object's text: paths below them are read with Trino's JSON functions. */
export const ATHENA_JSON_TEXT_COLUMNS: ReadonlySet<string> = new Set([
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'serviceeventdetails',
  'edgedevicedetails',
]);

/** The Hive DDL text of a type, as the page writes it (`STRUCT<type:STRING,...>`), for comparing a Glue table with this list. */
export function athenaTypeText(type: AthenaType): string {
  switch (type.kind) {
    case 'string':
      return 'STRING';
    case 'map':
      return 'MAP<STRING,STRING>';
    case 'struct':
      return `STRUCT<${Object.entries(type.fields)
        .map(([name, t]) => `${name}:${athenaTypeText(t)}`)
        .join(',')}>`;
    case 'array':
      return `ARRAY<${athenaTypeText(type.element)}>`;
  }
}
