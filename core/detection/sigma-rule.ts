/**
 * A rule as SigmaHQ publishes it (https://github.com/SigmaHQ/sigma), read in bulk by `loadSigmaRules`
 * (rule-loader.ts): the schema of the Sigma rules specification (sigma-specification
 * specification/sigma-rules-specification.md, json-schema/sigma-detection-rule-schema.json) with every key
 * kept as metadata, custom keys included.
 *
 * Why a type of its own: a Sigma rule's log source is Sigma's taxonomy (`product: azure, service:
 * activitylogs`, `product: gcp, service: gcp.audit`, `category: ...`), which is not yet one of the kit's
 * PRODUCTS/SERVICES (rule.ts), and its id is a UUID rather than a file-name slug. So the loader keeps the
 * log source as written in a `SigmaRule`; a processing pipeline maps it (and the field names) onto the
 * kit's log sources, rejects what it cannot map, and calls `sigmaToRule` for the strict `Rule` that
 * everything downstream uses. The flow:
 *
 *   SigmaHQ file -> loadSigmaRules -> SigmaRule -> pipeline (maps logsource) -> sigmaToRule -> Rule
 *     -> expandRule (expand.ts) -> Expr -> evaluator / compilers
 *
 * The Sigma metadata rides along on `Rule.sigma`, untouched.
 */
import { z } from 'zod';
import { detectionSchema, LEVELS, type Detection, type Product, type Rule, type Service, type Target } from './rule.ts';

/** Sigma's statuses (specification "status"); deprecated and unsupported rules still load, marked so. */
export const SIGMA_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export type SigmaStatus = (typeof SIGMA_STATUSES)[number];

/** `related[].type` (specification "related"). */
export const SIGMA_RELATION_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'] as const;

/** Sigma writes dates as YYYY-MM-DD (older rules YYYY/MM/DD); YAML may read a bare number, so text is kept. */
const text = z.union([z.string(), z.number()]).transform(String);
/** A list of strings; a lone string (seen in older rules) is read as a list of one. */
const strings = z.union([z.array(text), text.transform((s) => [s])]);

const logsourceSchema = z
  .looseObject({
    category: text.optional(),
    product: text.optional(),
    service: text.optional(),
    definition: text.optional(),
  })
  .refine((l) => l.category !== undefined || l.product !== undefined || l.service !== undefined, {
    error: 'needs at least one of category, product or service',
  });

/** The keys of the specification; any other key is custom and kept as written. */
export const sigmaRuleSchema = z.looseObject({
  title: text.pipe(z.string().min(1)),
  id: text.pipe(z.string().min(1)).optional(),
  name: text.optional(),
  related: z.array(z.strictObject({ id: text, type: z.enum(SIGMA_RELATION_TYPES) })).optional(),
  status: z.enum(SIGMA_STATUSES).optional(),
  description: text.optional(),
  license: text.optional(),
  author: text.optional(),
  references: strings.optional(),
  date: text.optional(),
  modified: text.optional(),
  logsource: logsourceSchema,
  detection: detectionSchema.refine(
    (d) => {
      const c = d['condition'];
      return typeof c === 'string' || (Array.isArray(c) && c.length > 0 && c.every((item) => typeof item === 'string'));
    },
    { error: 'needs a condition, e.g. "condition: selection and not filter" (a string, or a list of strings)' },
  ),
  fields: strings.optional(),
  falsepositives: strings.optional(),
  level: z.enum(LEVELS).optional(),
  tags: strings.optional(),
  scope: strings.optional(),
  taxonomy: text.optional(),
});

/** Sigma's `logsource`, as written: no product or service is refused at this stage. */
export interface SigmaLogsource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
  /** Any other key, as written. */
  readonly [key: string]: unknown;
}

/** Every key of a Sigma rule file, as written (the detection is `rule.detection`). */
export interface SigmaMetadata {
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly related?: readonly { readonly id: string; readonly type: (typeof SIGMA_RELATION_TYPES)[number] }[];
  readonly status?: SigmaStatus;
  readonly description?: string;
  readonly license?: string;
  readonly author?: string;
  readonly references?: readonly string[];
  readonly date?: string;
  readonly modified?: string;
  readonly logsource: SigmaLogsource;
  readonly fields?: readonly string[];
  readonly falsepositives?: readonly string[];
  readonly level?: (typeof LEVELS)[number];
  /** Every tag, any namespace (attack.*, cve.*, car.*, detection.*, tlp.*, ...). */
  readonly tags?: readonly string[];
  readonly scope?: readonly string[];
  readonly taxonomy?: string;
  /** Keys the specification does not define, as written. */
  readonly custom: Readonly<Record<string, unknown>>;
}

/** A Sigma rule loaded in bulk, before a pipeline maps its log source. */
export interface SigmaRule {
  /** The Sigma `id` (a UUID in SigmaHQ); the file name without extension when the rule has none. */
  readonly id: string;
  readonly title: string;
  /** The file, relative to the working directory, for messages. */
  readonly file: string;
  readonly logsource: SigmaLogsource;
  readonly detection: Detection;
  readonly sigma: SigmaMetadata;
}

const KNOWN_KEYS = new Set(Object.keys(sigmaRuleSchema.shape));

/** The SigmaRule of a document that passed `sigmaRuleSchema`. */
export function toSigmaRule(document: z.output<typeof sigmaRuleSchema>, file: string, fallbackId: string): SigmaRule {
  const custom = Object.fromEntries(Object.entries(document).filter(([key]) => !KNOWN_KEYS.has(key)));
  const { logsource, detection } = document;
  const pick = <K extends keyof typeof document>(key: K) => (document[key] === undefined ? {} : { [key]: document[key] });
  const sigma = {
    ...pick('id'),
    ...pick('name'),
    ...pick('related'),
    ...pick('status'),
    ...pick('description'),
    ...pick('license'),
    ...pick('author'),
    ...pick('references'),
    ...pick('date'),
    ...pick('modified'),
    ...pick('fields'),
    ...pick('falsepositives'),
    ...pick('level'),
    ...pick('tags'),
    ...pick('scope'),
    ...pick('taxonomy'),
    title: document.title,
    logsource,
    custom,
  } as SigmaMetadata;
  return { id: document.id ?? fallbackId, title: document.title, file, logsource, detection, sigma };
}

/**
 * The strict `Rule` for a Sigma rule once a pipeline has mapped its log source. Kept from the Sigma rule:
 * id, title, description (empty when absent), level (informational when absent: Sigma leaves such a rule
 * unrated, and an unrated rule should page no one), falsepositives, references, the detection, and all of
 * it in `sigma`. `tags` keeps the attack.* tags, the ones the ATT&CK mapping reads; every tag stays in
 * `sigma.tags`. `status` is Sigma's when the kit has it; deprecated and unsupported read as experimental,
 * and `sigma.status` says which (a pipeline may prefer to drop them).
 */
export function sigmaToRule(rule: SigmaRule, logsource: { readonly product: Product; readonly service: Service }, targets: readonly Target[] = []): Rule {
  const { sigma } = rule;
  const status = sigma.status === 'stable' || sigma.status === 'test' ? sigma.status : 'experimental';
  return {
    id: rule.id,
    title: rule.title,
    description: sigma.description ?? '',
    level: sigma.level ?? 'informational',
    status,
    tags: (sigma.tags ?? []).filter((tag) => tag.toLowerCase().startsWith('attack.')),
    logsource: { product: logsource.product, service: logsource.service },
    detection: rule.detection,
    falsepositives: [...(sigma.falsepositives ?? [])],
    targets: [...targets],
    references: [...(sigma.references ?? [])],
    file: rule.file,
    sigma,
  };
}
