/**
 * The rule format: Sigma-style YAML, one rule per file under detections/<cloud>/<id>.yml. This file is
 * the schema (zod) and the types; rule-loader.ts reads files, expand.ts turns a rule into the Expr IR
 * that the evaluator and every compiler share.
 */
import { z } from 'zod';

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

export const MODIFIERS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'exists', 'all', 'cased'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A selection: a map of `field|modifier...` to a value or list, or a list of such maps (OR). */
const selectionMap = z.record(z.string(), z.union([scalar, z.array(scalar)]));
const selection = z.union([selectionMap, z.array(selectionMap).min(1)]);

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/, { error: 'must be a lowercase slug (letters, digits, hyphens)' }),
  title: z.string().min(5),
  description: z.string().min(10),
  level: z.enum(LEVELS),
  status: z.enum(['stable', 'test', 'experimental']).default('stable'),
  tags: z.array(z.string().regex(/^attack\.[a-z0-9_.-]+$/, { error: 'must be an ATT&CK tag such as attack.t1059.009 or attack.execution' })).min(1),
  logsource: z.strictObject({ product: z.enum(PRODUCTS), service: z.string() }),
  detection: z.record(z.string(), z.union([selection, z.string()])).refine((d) => typeof d['condition'] === 'string', {
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
}

/**
 * A rule built in code from config (shadow and self-protection rules), held to the same schema as the
 * catalog files; `source` stands where a file name would.
 */
export function generatedRule(document: z.input<typeof ruleSchema>, source: string): Rule {
  return { ...ruleSchema.parse(document), file: `(generated: ${source})` };
}
