/**
 * BigQuery: the `_AllLogs` view of a Log Analytics linked dataset ("Query a linked BigQuery dataset",
 * https://cloud.google.com/logging/docs/analyze/query-linked-dataset). Its columns are the LogEntry's in
 * snake_case, the AuditLog payload a struct at proto_payload.audit_log whose request, response,
 * metadata, service_data and resource_original_state (and the entry's labels and resource.labels) are
 * JSON-typed; Google's own Log Analytics queries read it so (GoogleCloudPlatform/security-analytics:
 * proto_payload.audit_log.request_metadata.caller_ip, .authentication_info.principal_email,
 * .authorization_info as an array of structs, JSON_VALUE(proto_payload.audit_log.metadata, ...)).
 * Only the fields listed below are mapped; any other is refused, not guessed.
 *
 * Paths under a JSON column fan out as the rule engine does, one UNNEST per key (an array met on the
 * way gives its elements' keys, an array at the end its elements). What the view cannot tell: a JSON
 * null from an absent field in a typed column (both NULL), so `|exists` there reads "not NULL". Refused:
 * a struct's JSON text; keywords (no whole record); timestamps (their text differs from the record's).
 *
 * Functions: JSON_QUERY, JSON_QUERY_ARRAY, JSON_TYPE, JSON_VALUE, TO_JSON_STRING
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions), REGEXP_CONTAINS /
 * REGEXP_EXTRACT / REGEXP_EXTRACT_ALL / REGEXP_REPLACE (RE2), STRPOS, STARTS_WITH, ENDS_WITH, LPAD,
 * FORMAT (https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions), SAFE_CAST
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions).
 */
import { logSource, lookupField } from '../logsources/registry.ts';
import { SqlRefusal, type SqlPrinter } from './sql-printer.ts';

/** A GoogleSQL string literal: quote and backslash escaped, control characters as \x escapes. */
const literal = (text: string): string =>
  `'${[...text.replace(/[\\']/g, '\\$&')].map((c) => (c.charCodeAt(0) < 0x20 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')}'`;

type Place =
  | { readonly kind: 'value'; readonly expr: string }
  | { readonly kind: 'struct'; readonly expr: string }
  | { readonly kind: 'elements'; readonly array: string; readonly field?: string; readonly cast?: boolean }
  | { readonly kind: 'json'; readonly column: string; readonly keys: readonly string[] };

const AUDIT = 'proto_payload.audit_log';
/** LogEntry paths (the registry's spelling) and where the view holds them. */
const TYPED: Readonly<Record<string, Place>> = {
  logName: { kind: 'value', expr: 'log_name' },
  severity: { kind: 'value', expr: 'severity' },
  insertId: { kind: 'value', expr: 'insert_id' },
  resource: { kind: 'struct', expr: 'resource' },
  'resource.type': { kind: 'value', expr: 'resource.type' },
  protoPayload: { kind: 'struct', expr: AUDIT },
  'protoPayload.serviceName': { kind: 'value', expr: `${AUDIT}.service_name` },
  'protoPayload.methodName': { kind: 'value', expr: `${AUDIT}.method_name` },
  'protoPayload.resourceName': { kind: 'value', expr: `${AUDIT}.resource_name` },
  'protoPayload.numResponseItems': { kind: 'value', expr: `CAST(${AUDIT}.num_response_items AS STRING)` },
  'protoPayload.status': { kind: 'struct', expr: `${AUDIT}.status` },
  'protoPayload.status.code': { kind: 'value', expr: `CAST(${AUDIT}.status.code AS STRING)` },
  'protoPayload.status.message': { kind: 'value', expr: `${AUDIT}.status.message` },
  'protoPayload.authenticationInfo': { kind: 'struct', expr: `${AUDIT}.authentication_info` },
  'protoPayload.authenticationInfo.principalEmail': { kind: 'value', expr: `${AUDIT}.authentication_info.principal_email` },
  'protoPayload.authenticationInfo.authoritySelector': { kind: 'value', expr: `${AUDIT}.authentication_info.authority_selector` },
  'protoPayload.authenticationInfo.serviceAccountKeyName': { kind: 'value', expr: `${AUDIT}.authentication_info.service_account_key_name` },
  'protoPayload.authenticationInfo.principalSubject': { kind: 'value', expr: `${AUDIT}.authentication_info.principal_subject` },
  'protoPayload.authorizationInfo': { kind: 'elements', array: `${AUDIT}.authorization_info` },
  'protoPayload.authorizationInfo.resource': { kind: 'elements', array: `${AUDIT}.authorization_info`, field: 'resource' },
  'protoPayload.authorizationInfo.permission': { kind: 'elements', array: `${AUDIT}.authorization_info`, field: 'permission' },
  'protoPayload.authorizationInfo.granted': { kind: 'elements', array: `${AUDIT}.authorization_info`, field: 'granted', cast: true },
  'protoPayload.requestMetadata': { kind: 'struct', expr: `${AUDIT}.request_metadata` },
  'protoPayload.requestMetadata.callerIp': { kind: 'value', expr: `${AUDIT}.request_metadata.caller_ip` },
  'protoPayload.requestMetadata.callerSuppliedUserAgent': { kind: 'value', expr: `${AUDIT}.request_metadata.caller_supplied_user_agent` },
  'protoPayload.requestMetadata.callerNetwork': { kind: 'value', expr: `${AUDIT}.request_metadata.caller_network` },
  // AttributeContext.Peer: ip (string), port (int64). https://cloud.google.com/service-infrastructure/docs/service-control/reference/rpc/google.rpc.context#peer
  'protoPayload.requestMetadata.destinationAttributes.ip': { kind: 'value', expr: `${AUDIT}.request_metadata.destination_attributes.ip` },
  'protoPayload.requestMetadata.destinationAttributes.port': { kind: 'value', expr: `CAST(${AUDIT}.request_metadata.destination_attributes.port AS STRING)` },
};
/** JSON-typed columns: the path below them is read as written. */
const JSON_COLUMNS: Readonly<Record<string, string>> = {
  labels: 'labels',
  'resource.labels': 'resource.labels',
  'protoPayload.request': `${AUDIT}.request`,
  'protoPayload.response': `${AUDIT}.response`,
  'protoPayload.metadata': `${AUDIT}.metadata`,
  'protoPayload.serviceData': `${AUDIT}.service_data`,
  'protoPayload.resourceOriginalState': `${AUDIT}.resource_original_state`,
};

const SOURCE = logSource('gcp', 'gcp.audit')!;

function place(field: string): Place {
  const found = lookupField(SOURCE, field);
  const path = found.known ? found.path : field;
  const typed = TYPED[path];
  if (typed) return typed;
  for (const [prefix, column] of Object.entries(JSON_COLUMNS)) {
    if (path === prefix) return { kind: 'json', column, keys: [] };
    if (path.startsWith(`${prefix}.`)) return { kind: 'json', column, keys: path.slice(prefix.length + 1).split('.') };
  }
  throw new SqlRefusal(
    `${field} is not mapped to a column of the Log Analytics _AllLogs view`,
    `Map it in core/detection/compilers/sql-bigquery.ts from the view's schema (https://cloud.google.com/logging/docs/analyze/query-linked-dataset).`,
  );
}

/** A JSONPath of one key: `$."key"`. */
function keyPath(key: string): string {
  if (/["\\]/.test(key)) throw new SqlRefusal(`the key "${key}" cannot be written in a BigQuery JSONPath`, 'Rename the field.');
  return literal(`$."${key}"`);
}

/** A JSON value as its elements when it is an array, else itself (an absent value as one SQL NULL, dropped later). */
const open = (v: string): string => `IF(JSON_TYPE(${v}) = 'array', JSON_QUERY_ARRAY(${v}), [${v}])`;

/** A JSON value's text: a string unquoted, JSON null as NULL, anything else as its JSON text. */
const text = (v: string): string => `CASE JSON_TYPE(${v}) WHEN 'string' THEN JSON_VALUE(${v}) WHEN 'null' THEN NULL ELSE TO_JSON_STRING(${v}) END`;

let counter = 0;
const fresh = (): number => ++counter;

/** `FROM` items and the last value's name for the values under a JSON column. */
function jsonValues(column: string, keys: readonly string[]): { from: string; last: string } {
  const n = fresh();
  if (keys.length === 0) return { from: `UNNEST(${open(column)}) AS v${n}_0`, last: `v${n}_0` };
  const items = [`UNNEST(${open(`JSON_QUERY(${column}, ${keyPath(keys[0]!)})`)}) AS v${n}_1`];
  for (let i = 1; i < keys.length; i++) {
    const node = `v${n}_${i}`;
    const path = keyPath(keys[i]!);
    const inner = `ARRAY(SELECT e FROM UNNEST(JSON_QUERY_ARRAY(${node})) AS c, UNNEST(IF(JSON_TYPE(c) = 'object', ${open(`JSON_QUERY(c, ${path})`)}, [])) AS e)`;
    items.push(
      `UNNEST(CASE JSON_TYPE(${node}) WHEN 'object' THEN ${open(`JSON_QUERY(${node}, ${path})`)} WHEN 'array' THEN ${inner} ELSE [] END) AS v${n}_${i + 1}`,
    );
  }
  return { from: items.join(', '), last: `v${n}_${keys.length}` };
}

export const bigqueryPrinter: SqlPrinter = {
  dialect: 'bigquery',
  products: ['gcp'],
  table: '`_AllLogs`',
  columns: '*',
  regexEngine: 're2',
  begin: () => {
    counter = 0;
  },
  some(field, given, test) {
    if (/^(?:timestamp|receiveTimestamp)$/.test(field))
      throw new SqlRefusal(`${field} is a TIMESTAMP in the _AllLogs view; its text differs from the record's`, 'Compare it in the query yourself.');
    const at = place(field);
    // A typed column holds NULL for an absent field and for a JSON null alike: |exists reads it as "not NULL".
    const reading = given === 'presence' && at.kind !== 'json' ? 'nonnull' : given;
    if (reading !== given) return this.some(field, reading, (t) => `${t} IS NOT NULL`);
    switch (at.kind) {
      case 'value':
        return test(at.expr);
      case 'struct':
        if (reading === 'text')
          throw new SqlRefusal(`${field} is a struct of the _AllLogs view: its JSON text is not there to compare`, 'Test a field inside it.');
        return test(at.expr);
      case 'elements': {
        if (at.field === undefined && reading === 'text')
          throw new SqlRefusal(`${field} is an array of structs in the _AllLogs view: its JSON text is not there to compare`, 'Test a field inside it.');
        const n = fresh();
        const value = at.field === undefined ? `e${n}` : at.cast ? `CAST(e${n}.${at.field} AS STRING)` : `e${n}.${at.field}`;
        return `EXISTS (SELECT 1 FROM UNNEST(${at.array}) AS e${n} WHERE ${test(value)})`;
      }
      case 'json': {
        const { from, last } = jsonValues(at.column, at.keys);
        // A JSON null is a JSON value (JSON_TYPE 'null'); SQL NULL is a missing key.
        if (reading === 'presence') return `EXISTS (SELECT 1 FROM ${from} WHERE ${last} IS NOT NULL)`;
        return `EXISTS (SELECT 1 FROM ${from} WHERE ${test(text(last))})`;
      }
    }
  },
  lower: (t) => `LOWER(${t})`,
  contains: (t, l) => `STRPOS(${t}, ${literal(l)}) > 0`,
  startsWith: (t, l) => `STARTS_WITH(${t}, ${literal(l)})`,
  endsWith: (t, l) => `ENDS_WITH(${t}, ${literal(l)})`,
  regex: (t, pattern) => `REGEXP_CONTAINS(${t}, ${literal(pattern)})`,
  toDouble: (t) => `SAFE_CAST(${t} AS FLOAT64)`,
  literal,
  fullMatch: (t, pattern) => `REGEXP_CONTAINS(${t}, ${literal(`^(?:${pattern})\\z`)})`,
  extract: (t, pattern) => `REGEXP_EXTRACT(${t}, ${literal(pattern)})`,
  replaceAll: (t, pattern, replacement) => `REGEXP_REPLACE(${t}, ${literal(pattern)}, ${replacement})`,
  group1: '\\1',
  matchCount: (t, pattern) => `ARRAY_LENGTH(REGEXP_EXTRACT_ALL(${t}, ${literal(pattern)}))`,
  toInt: (t) => `SAFE_CAST(${t} AS INT64)`,
  hexPair: (a, b) => `FORMAT('%x:%x', ${a}, ${b})`,
  bind: (value, body) => {
    const n = fresh();
    return `(SELECT ${body(`b${n}`)} FROM UNNEST([${value}]) AS b${n})`;
  },
};
