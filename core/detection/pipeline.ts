/**
 * Processing pipelines as data, after pySigma's (SigmaHQ/pySigma sigma/processing/pipeline.py,
 * transformations/fields.py, failure.py, rule.py, condition.py; conditions/rule.py, fields.py): YAML files
 * (the package's `pipelines/`) that map a Sigma rule written for one log-source convention onto the log
 * sources this package reads, before the rule is expanded. So the evaluator, the rule index and every
 * compiler see the mapped field names and log source.
 *
 * A pipeline file: `name`, optional `priority` (lower runs first, pySigma's order) and `transformations`,
 * each item applied in order, when its conditions hold, to the rule as the previous items left it:
 *
 *   - type: field_name_mapping          # pySigma FieldMappingTransformation: exact field -> field
 *     mapping: { gcp.audit.method_name: protoPayload.methodName }
 *   - type: field_name_prefix_mapping   # FieldPrefixMappingTransformation; camel_case_rest (ours) writes
 *     mapping: { gcp.audit.request.: protoPayload.request. }   # the rest of the name in lowerCamelCase
 *     camel_case_rest: true
 *   - type: field_name_case_resolve     # ours: each name segment to the log source's documented spelling,
 *                                       # ignoring case (operationName -> OperationName), through
 *                                       # documented fields only (registry.ts)
 *   - type: change_logsource            # ChangeLogsourceTransformation
 *     product: azure
 *     service: azureactivity
 *   - type: add_condition               # AddConditionTransformation: ANDs a selection to the condition
 *     conditions: { protoPayload.serviceName: login.googleapis.com }
 *   - type: rule_failure                # RuleFailureTransformation: the rule cannot be used, and why
 *     message: ...
 *   - type: detection_item_failure      # DetectionItemFailureTransformation: a field cannot be used, and why
 *     message: ...
 *     field_name_conditions: [{ type: include_fields, fields: [new_value] }]
 *
 * Conditions, pySigma's names: `rule_conditions` (type `logsource` with product/service/category, all
 * given ones equal), combined by `rule_cond_op` (and | or, default and) and negated by `rule_cond_not`;
 * `field_name_conditions` (type `include_fields` / `exclude_fields`, `fields`, `mode` plain | re; a
 * regex must match from the start, as Python's re.match) with `field_name_cond_op` / `field_name_cond_not`,
 * on field transformations only.
 *
 * Files are validated strictly: one line per problem, naming the file and the YAML path (with its line).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { formatPath } from '../config/load.ts';
import { packagePath } from '../package-files.ts';
import { fieldIgnoringCase, logSource, logSourceNames, lookupField, type LogSource } from './logsources/registry.ts';
import { PipelineError } from './pipeline-error.ts';
import { RuleError } from './rule-error.ts';
import type { Detection, Product, Rule, Service } from './rule.ts';
import { sigmaToRule, type SigmaRule } from './sigma-rule.ts';

const text = z.string().min(1);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const logsourceCondition = z.strictObject({
  type: z.literal('logsource'),
  product: text.optional(),
  service: text.optional(),
  category: text.optional(),
});
const fieldCondition = z.strictObject({
  type: z.enum(['include_fields', 'exclude_fields']),
  fields: z.array(text).min(1),
  mode: z.enum(['plain', 're']).default('plain'),
});

const ruleConditions = {
  id: text.optional(),
  rule_conditions: z.array(logsourceCondition).min(1).optional(),
  rule_cond_op: z.enum(['and', 'or']).default('and'),
  rule_cond_not: z.boolean().default(false),
};
const fieldConditions = {
  field_name_conditions: z.array(fieldCondition).min(1).optional(),
  field_name_cond_op: z.enum(['and', 'or']).default('and'),
  field_name_cond_not: z.boolean().default(false),
};

const transformation = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('field_name_mapping'), mapping: z.record(text, text), ...ruleConditions, ...fieldConditions }),
  z.strictObject({
    type: z.literal('field_name_prefix_mapping'),
    /** A prefix may map to '' (properties.X -> X). */
    mapping: z.record(text, z.string()),
    camel_case_rest: z.boolean().default(false),
    ...ruleConditions,
    ...fieldConditions,
  }),
  z.strictObject({ type: z.literal('field_name_case_resolve'), ...ruleConditions, ...fieldConditions }),
  z.strictObject({ type: z.literal('change_logsource'), product: text.optional(), service: text.optional(), category: text.optional(), ...ruleConditions }),
  z.strictObject({ type: z.literal('add_condition'), conditions: z.record(text, z.union([scalar, z.array(scalar).min(1)])), ...ruleConditions }),
  z.strictObject({ type: z.literal('rule_failure'), message: text, ...ruleConditions }),
  z.strictObject({
    type: z.literal('detection_item_failure'),
    message: text,
    ...ruleConditions,
    ...fieldConditions,
    field_name_conditions: z.array(fieldCondition).min(1),
  }),
]);

const pipelineSchema = z.strictObject({
  name: text,
  priority: z.number().int().default(0),
  description: z.string().optional(),
  transformations: z.array(transformation).min(1),
});

export type Transformation = z.output<typeof transformation>;

export interface Pipeline extends z.output<typeof pipelineSchema> {
  /** The file it was read from, for messages. */
  readonly file: string;
}

/** The package's own pipelines (SigmaHQ's conventions onto this package's log sources). */
export const packagedPipelinesDir = (): string => packagePath('pipelines');

/** Parses one pipeline file; throws PipelineError naming the file and the YAML path of the first problem. */
export function parsePipeline(source: string, file: string): Pipeline {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) throw new PipelineError(file, `line ${lineCounter.linePos(syntax.pos[0]).line}`, syntax.message.split('\n')[0]!);
  const at = (path: readonly PropertyKey[]) => {
    const node = doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
    return `${formatPath(path as (string | number)[])}${node?.range ? ` (line ${lineCounter.linePos(node.range[0]).line})` : ''}`;
  };
  const parsed = pipelineSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw new PipelineError(file, at(path), issue.code === 'unrecognized_keys' ? 'is not a pipeline key' : issue.message);
  }
  const pipeline = { ...parsed.data, file };
  const ids = new Map<string, number>();
  for (const [i, item] of pipeline.transformations.entries()) {
    const where = (...rest: PropertyKey[]) => at(['transformations', i, ...rest]);
    if (item.id !== undefined) {
      if (ids.has(item.id)) throw new PipelineError(file, where('id'), `"${item.id}" is also the id of transformations[${ids.get(item.id)}]`);
      ids.set(item.id, i);
    }
    for (const [j, condition] of ('field_name_conditions' in item ? (item.field_name_conditions ?? []) : []).entries()) {
      if (condition.mode !== 're') continue;
      for (const [k, pattern] of condition.fields.entries()) {
        try {
          new RegExp(pattern);
        } catch (error) {
          throw new PipelineError(file, where('field_name_conditions', j, 'fields', k), `is not a regular expression: ${(error as Error).message}`);
        }
      }
    }
    if (item.type === 'change_logsource' && item.product !== undefined && item.service !== undefined && !logSource(item.product, item.service)) {
      throw new PipelineError(
        file,
        where('service'),
        `${item.product}/${item.service} is not a log source this package reads (known: ${logSourceNames().join(', ')})`,
      );
    }
  }
  return pipeline;
}

/** Every *.yml / *.yaml in `directory` (default: the package's pipelines/), by priority then file name. */
export function loadPipelines(directory: string = packagedPipelinesDir()): Pipeline[] {
  return readdirSync(directory)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const path = join(directory, f);
      return parsePipeline(readFileSync(path, 'utf8'), relative(process.cwd(), path) || path);
    })
    .sort((a, b) => a.priority - b.priority);
}

interface Logsource {
  readonly product?: string;
  readonly service?: string;
  readonly category?: string;
}

/**
 * Applies the pipelines, in order, to a Sigma rule (or a rule of this package) and returns the `Rule` for
 * the log source they map it to. Throws RuleError with the pipeline's reason when an item refuses the rule
 * or a field of it, and when the log source is still not one this package reads after every pipeline.
 */
export function applyPipelines(rule: SigmaRule | Rule, pipelines: readonly Pipeline[]): Rule {
  let logsource: Logsource = { ...rule.logsource };
  let detection: Detection = rule.detection;
  for (const pipeline of [...pipelines].sort((a, b) => a.priority - b.priority)) {
    for (const item of pipeline.transformations) {
      if (!ruleConditionsHold(item, logsource)) continue;
      const from = `pipeline ${pipeline.name} (${pipeline.file})`;
      switch (item.type) {
        case 'field_name_mapping':
          detection = mapFields(rule.file, detection, item, (field) => item.mapping[field]);
          break;
        case 'field_name_prefix_mapping':
          detection = mapFields(rule.file, detection, item, (field) => {
            const prefix = Object.keys(item.mapping).find((p) => field.startsWith(p));
            if (prefix === undefined) return undefined;
            const rest = field.slice(prefix.length);
            return item.mapping[prefix] + (item.camel_case_rest ? lowerCamelCase(rest) : rest);
          });
          break;
        case 'field_name_case_resolve': {
          const source = logSource(logsource.product ?? '', logsource.service ?? '');
          if (source) detection = mapFields(rule.file, detection, item, (field) => resolveCase(source, field));
          break;
        }
        case 'change_logsource':
          logsource = { product: item.product, service: item.service, category: item.category };
          break;
        case 'add_condition':
          detection = addCondition(detection, item.conditions, item.id ?? `pipeline_${pipeline.name}`);
          break;
        case 'rule_failure':
          throw new RuleError(rule.file, 'logsource', `${item.message} (${from})`);
        case 'detection_item_failure':
          for (const { where, field } of detectionFields(detection)) {
            if (fieldConditionsHold(item, field)) throw new RuleError(rule.file, where, `${field}: ${item.message} (${from})`);
          }
          break;
      }
    }
  }
  const { product = '', service = '' } = logsource;
  if (!logSource(product, service)) {
    throw new RuleError(
      rule.file,
      'logsource',
      `${product || '(no product)'}/${service || '(no service)'} is not a log source this package reads, and no pipeline maps it to one (known: ${logSourceNames().join(', ')})`,
    );
  }
  const mapped = { product: product as Product, service: service as Service };
  if ('targets' in rule) return { ...rule, logsource: mapped, detection };
  return sigmaToRule({ ...rule, detection }, mapped);
}

function ruleConditionsHold(item: Transformation, logsource: Logsource): boolean {
  if (!item.rule_conditions) return true;
  const results = item.rule_conditions.map(
    (c) =>
      (c.product === undefined || c.product === logsource.product) &&
      (c.service === undefined || c.service === logsource.service) &&
      (c.category === undefined || c.category === logsource.category),
  );
  const held = item.rule_cond_op === 'or' ? results.some(Boolean) : results.every(Boolean);
  return held !== item.rule_cond_not;
}

type FieldItem = Extract<Transformation, { field_name_cond_op: unknown }>;

function fieldConditionsHold(item: FieldItem, field: string): boolean {
  if (!item.field_name_conditions) return true;
  const results = item.field_name_conditions.map((c) => {
    const listed = c.mode === 're' ? c.fields.some((p) => new RegExp(`^(?:${p})`).test(field)) : c.fields.includes(field);
    return c.type === 'include_fields' ? listed : !listed;
  });
  const held = item.field_name_cond_op === 'or' ? results.some(Boolean) : results.every(Boolean);
  return held !== item.field_name_cond_not;
}

type SelectionMap = Record<string, unknown>;

const isMap = (v: unknown): v is SelectionMap => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every `field|mods` key of the detection, with its YAML path. */
function detectionFields(detection: Detection): { where: string; field: string }[] {
  return Object.entries(detection).flatMap(([name, body]) => {
    if (name === 'condition') return [];
    const maps = Array.isArray(body) ? body.map((m, i) => [m, `[${i}]`] as const) : [[body, ''] as const];
    return maps.flatMap(([map, index]) =>
      isMap(map) ? Object.keys(map).map((key) => ({ where: `detection.${name}${index}.${key}`, field: key.split('|')[0]! })) : [],
    );
  });
}

/** Renames the field of every `field|mods` key (and `|fieldref` values) the item selects; keywords are left alone. */
function mapFields(file: string, detection: Detection, item: FieldItem, map: (field: string) => string | undefined): Detection {
  const rename = (field: string) => (fieldConditionsHold(item, field) ? (map(field) ?? field) : field);
  const mapMap = (map: SelectionMap, where: string): SelectionMap => {
    const out: SelectionMap = {};
    for (const [key, value] of Object.entries(map)) {
      const [field = '', ...modifiers] = key.split('|');
      const renamed = [rename(field), ...modifiers].join('|');
      if (Object.hasOwn(out, renamed))
        throw new RuleError(file, `${where}.${key}`, `a pipeline maps two keys of this selection to ${renamed}; write them as two selections`);
      const refs = modifiers.includes('fieldref');
      out[renamed] = refs
        ? Array.isArray(value)
          ? value.map((v) => (typeof v === 'string' ? rename(v) : v))
          : typeof value === 'string'
            ? rename(value)
            : value
        : value;
    }
    return out;
  };
  return Object.fromEntries(
    Object.entries(detection).map(([name, body]) => {
      if (name === 'condition') return [name, body];
      if (Array.isArray(body)) return [name, body.map((m, i) => (isMap(m) ? mapMap(m, `detection.${name}[${i}]`) : m))];
      return [name, isMap(body) ? mapMap(body, `detection.${name}`) : body];
    }),
  ) as Detection;
}

/** ANDs a selection to the rule's condition (each of them, when Sigma's list form is used). */
function addCondition(detection: Detection, conditions: Record<string, unknown>, id: string): Detection {
  // A leading underscore keeps it out of "1 of them" / "all of them" (condition.ts, as in Sigma).
  let name = `_${id.replace(/[^\w]/g, '_')}`;
  while (Object.hasOwn(detection, name)) name = `${name}_`;
  const condition = detection['condition'];
  const wrap = (c: unknown) => `(${String(c)}) and ${name}`;
  return {
    ...detection,
    [name]: conditions,
    condition: Array.isArray(condition) ? condition.map(wrap) : wrap(condition),
  } as Detection;
}

/** `source_ranges.ip_protocol` -> `sourceRanges.ipProtocol` (proto3 JSON names, https://protobuf.dev/programming-guides/json/). */
function lowerCamelCase(path: string): string {
  return path
    .split('.')
    .map((key) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()))
    .join('.');
}

/** Each segment spelled as the registry documents it, ignoring case, as far as the path is documented. */
function resolveCase(source: LogSource, field: string): string | undefined {
  if (lookupField(source, field).known) return undefined;
  const keys = field.split('.');
  let resolved = '';
  for (const [i, key] of keys.entries()) {
    const candidate = resolved ? `${resolved}.${key}` : key;
    const found = lookupField(source, candidate);
    if (found.known) {
      if (found.kind === 'inside-open') return [found.path, ...keys.slice(i + 1)].join('.');
      resolved = found.path;
      continue;
    }
    const spelled = fieldIgnoringCase(source, candidate);
    if (!spelled) return undefined;
    resolved = spelled;
  }
  return resolved;
}
