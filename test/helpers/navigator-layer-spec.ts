/**
 * The ATT&CK Navigator layer file format 4.5, written from its definition
 * (mitre-attack/attack-navigator, layers/spec/v4.5/layerformat.md), independently of our generator:
 * required properties, types, allowed values and the rules the spec states in words.
 */
import { z } from 'zod';

const metadata = z.array(z.union([z.strictObject({ name: z.string(), value: z.string() }), z.strictObject({ divider: z.boolean() })]));
const link = z.array(z.union([z.strictObject({ label: z.string(), url: z.string().regex(/^[a-z]+:\/\//) }), z.strictObject({ divider: z.boolean() })]));

const technique = z.strictObject({
  techniqueID: z.string().regex(/^T\d{4}(\.\d{3})?$/, 'T#### or T####.###'),
  tactic: z
    .string()
    .regex(/^[a-z-]+$/)
    .optional(),
  comment: z.string().optional(),
  enabled: z.boolean().optional(),
  score: z.number().optional(),
  color: z.string().optional(),
  metadata: metadata.optional(),
  links: link.optional(),
  showSubtechniques: z.boolean().optional(),
});

const semver = z.string().regex(/^\d+\.\d+\.\d+$/);

export const navigatorLayer45 = z.strictObject({
  versions: z
    .strictObject({
      attack: z.string().optional(),
      // "Must be at least 4.9.0"
      navigator: semver.refine((v) => {
        const [major = 0, minor = 0] = v.split('.').map(Number);
        return major > 4 || (major === 4 && minor >= 9);
      }, 'navigator must be at least 4.9.0'),
      layer: z.literal('4.5'),
    })
    .optional(),
  name: z.string(),
  description: z.string().optional(),
  domain: z.enum(['enterprise-attack', 'mobile-attack', 'ics-attack']),
  customDataURL: z.string().optional(),
  filters: z.strictObject({ platforms: z.array(z.string()).optional() }).optional(),
  sorting: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  layout: z
    .strictObject({
      layout: z.enum(['side', 'flat', 'mini']).optional(),
      showID: z.boolean().optional(),
      showName: z.boolean().optional(),
      showAggregateScores: z.boolean().optional(),
      countUnscored: z.boolean().optional(),
      aggregateFunction: z.enum(['average', 'min', 'max', 'sum']).optional(),
      expandedSubtechniques: z.enum(['none', 'all', 'annotated']).optional(),
    })
    .optional(),
  hideDisabled: z.boolean().optional(),
  techniques: z.array(technique).optional(),
  gradient: z
    .strictObject({ colors: z.array(z.string().regex(/^#[0-9a-fA-F]{6}$/)).min(2), minValue: z.number(), maxValue: z.number() })
    .refine((g) => g.maxValue > g.minValue, 'maxValue must be > minValue')
    .optional(),
  legendItems: z.array(z.strictObject({ label: z.string(), color: z.string() })).optional(),
  showTacticRowBackground: z.boolean().optional(),
  tacticRowBackground: z.string().optional(),
  selectTechniquesAcrossTactics: z.boolean().optional(),
  selectSubtechniquesWithParent: z.boolean().optional(),
  selectVisibleTechniques: z.boolean().optional(),
  metadata: metadata.optional(),
  links: link.optional(),
});
