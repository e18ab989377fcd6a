/**
 * The rule format: Sigma-style YAML, one rule per file under detections/<cloud>/<id>.yml. This file is
 * the schema (zod) and the types; rule-loader.ts reads files, expand.ts turns a rule into the Expr IR
 * that the evaluator and every compiler share.
 *
 * Two ways in, one type downstream:
 * - The kit's catalog (`loadRules`): files in this schema, strict (unknown keys, products and services
 *   refused, the id is the file name). They are `Rule`s as loaded.
 * - Rules as SigmaHQ publishes them (`loadSigmaRules`): any Sigma rule, every key kept. Their log source
 *   is Sigma's (`product: azure, service: activitylogs`), not yet one of ours, so they load as
 *   `SigmaRule` (sigma-rule.ts) with the log source as written. A processing pipeline maps the log source
 *   (and field names) onto PRODUCTS/SERVICES, rejects what it cannot map, and builds the `Rule` with
 *   `sigmaToRule`, which keeps the Sigma metadata in `Rule.sigma`.
 * Everything after that (expand.ts, the evaluator, the compilers, the catalog) sees only `Rule`, whose
 * log source is always one of ours.
 */
import { z } from 'zod';
import type { SigmaMetadata } from './sigma-rule.ts';

export const PRODUCTS = ['aws', 'azure', 'gcp'] as const;
export type Product = (typeof PRODUCTS)[number];

/** Log sources we know, by product: each has its own field names and compiler targets. */
export const SERVICES = {
  aws: ['cloudtrail'],
  azure: ['signinlogs', 'azureactivity', 'auditlogs', 'graphactivity'],
  gcp: ['gcp.audit'],
} as const satisfies Record<Product, readonly string[]>;
export type Service = (typeof SERVICES)[Product][number];

export const TARGETS = ['cloudwatch', 'eventbridge', 'kql', 'gcp'] as const;
export type Target = (typeof TARGETS)[number];

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/**
 * The value modifiers a rule may use (`field|mod1|mod2`), as the Sigma specification names them
 * (specification/sigma-appendix-modifiers.md; pySigma sigma/modifiers.py `modifier_mapping`). Their
 * meaning is in expand.ts; the encoding modifiers, which have no meaning for cloud logs, are refused
 * there with the reason.
 */
export const MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  're',
  'i',
  'm',
  's',
  'cidr',
  'exists',
  'all',
  'cased',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'fieldref',
  'expand',
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A map of `field|modifier...` to a value or list: every key must hold (AND). */
const selectionMap = z.record(z.string(), z.union([scalar, z.array(scalar)]));
/**
 * A selection: a map, or a list (OR) whose items are maps or keywords. A keyword is a string (or number)
 * without a field: it matches when it appears anywhere in the event (Sigma "keywords"). A single string
 * is one keyword.
 */
const selection = z.union([selectionMap, z.array(z.union([selectionMap, z.string(), z.number()])).min(1), z.string()]);
/** `detection`: named selections and `condition` (a string here; a Sigma rule may give a list, OR'ed). */
export const detectionSchema = z.record(z.string(), selection);
export type Detection = z.output<typeof detectionSchema>;

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/, { error: 'must be a lowercase slug (letters, digits, hyphens)' }),
  title: z.string().min(5),
  description: z.string().min(10),
  level: z.enum(LEVELS),
  status: z.enum(['stable', 'test', 'experimental']).default('stable'),
  tags: z.array(z.string().regex(/^attack\.[a-z0-9_.-]+$/, { error: 'must be an ATT&CK tag such as attack.t1059.009 or attack.execution' })).min(1),
  logsource: z.strictObject({ product: z.enum(PRODUCTS), service: z.string() }),
  detection: detectionSchema.refine((d) => typeof d['condition'] === 'string', {
    error: 'needs a condition, e.g. "condition: selection and not filter"',
  }),
  falsepositives: z.array(z.string()).default([]),
  /** Where the alarm pipelines deploy this rule; each listed target must compile. */
  targets: z.array(z.enum(TARGETS)).default([]),
  references: z.array(z.string()).default([]),
  /**
   * The CIS / Security Hub metric-filter text, verbatim, for rules that implement a CIS control: deployed
   * instead of the compiled pattern so Security Hub and Prowler recognise the filter. Tests hold it to
   * the same corpus results as the rule's own detection.
   */
  cisPattern: z.string().min(3).optional(),
});

export type RuleDocument = z.output<typeof ruleSchema>;

export interface Rule extends RuleDocument {
  /** File it was loaded from (relative), for messages and `guardrails rules`. */
  readonly file: string;
  /** For a rule loaded from a Sigma rule file (sigma-rule.ts): every key of it, as written. */
  readonly sigma?: SigmaMetadata;
}

/**
 * A rule built in code from config (shadow and self-protection rules), held to the same schema as the
 * catalog files; `source` stands where a file name would.
 */
export function generatedRule(document: z.input<typeof ruleSchema>, source: string): Rule {
  return { ...ruleSchema.parse(document), file: `(generated: ${source})` };
}
