/**
 * What ATT&CK v19 changed for the techniques this kit tags, kept as data with the source of each entry:
 * the technique ids v19 renumbered (v18 id -> v19 id), and, per technique, which of the two tactics that
 * replaced Defense Evasion (`defense-evasion`) it belongs to in v19: Stealth (`stealth`) or Defense
 * Impairment (`defense-impairment`), or neither (v19 took Defense Evasion off it and kept its other tactics).
 *
 * Sources, by how much they are worth:
 * - MITRE's v19.1 -> v19.2 changelog layer, https://attack.mitre.org/docs/changelogs/v19.1-v19.2/layer-enterprise.json:
 *   a v19 Navigator layer (versions.attack "19.2") whose techniques carry the tactic short name `stealth`.
 * - MITRE's Defense Evasion split layer (https://github.com/mitre-attack/attack-navigator, layers/samples/proposed-defensive-evasion-split.json,
 *   "The fall of Defense Evasion & the rise of Stealth and Impair Defenses"): ATT&CK 17 techniques coloured by
 *   where the split puts them (legend: Stealth, Impair Defenses, Remove DE, Execution, Remove Technique). It is
 *   MITRE's proposal for the split, not the v19 release; its "Impair Defenses" column is read here as the tactic
 *   the issue calls `defense-impairment` (the Impair Defenses techniques, T1562.008 among them).
 * - Issue 13 (item 7): "T1562.008 became T1685.002, and `defense-evasion` splits into `stealth` and
 *   `defense-impairment`". MITRE's v19 release notes, technique pages and STIX bundle (mitre-attack/attack-stix-data)
 *   were not in the material searched, so this is the only source for the one renumbering below.
 *
 * Not mapped, for want of a MITRE or issue source (do not add them without one): the v19 ids of T1562 Impair
 * Defenses, T1562.001 Disable or Modify Tools and T1562.007 Disable or Modify Cloud Firewall. Third-party
 * crosswalks report T1562 -> T1685, T1562.001 -> T1685 and T1562.007 -> T1686.001; check them against MITRE's
 * v19 changelog (https://attack.mitre.org/resources/updates/) before mapping.
 */

/** The ATT&CK version the catalog, the technique table and the Navigator layer follow. */
export const ATTACK_VERSION = '19';

const ISSUE = 'issue 13 (not found in stored MITRE material)';
const SPLIT_LAYER =
  'MITRE, Defense Evasion split layer (a proposal on ATT&CK 17): https://github.com/mitre-attack/attack-navigator, layers/samples/proposed-defensive-evasion-split.json';
const V19_2_LAYER = 'MITRE, v19.1 -> v19.2 changelog layer: https://attack.mitre.org/docs/changelogs/v19.1-v19.2/layer-enterprise.json';

export interface Renumbering {
  readonly v19: string;
  readonly source: string;
}

/** v18 technique id -> v19 id, for the techniques v19 renumbered that this kit tags. */
export const V18_TO_V19_TECHNIQUES: Readonly<Record<string, Renumbering>> = {
  'T1562.008': { v19: 'T1685.002', source: ISSUE },
};

/** The v18 tactic v19 retired, and the v19 tactics (short names, as in Navigator layers and STIX) it became. */
export const RETIRED_TACTIC = 'defense-evasion';
export const V19_SPLIT_TACTICS = {
  stealth: { source: `${V19_2_LAYER}; ${ISSUE}` },
  'defense-impairment': { source: ISSUE },
} as const;
export type SplitTactic = keyof typeof V19_SPLIT_TACTICS;

export interface SplitPlacement {
  /** The tactic that replaces defense-evasion for the technique, or null: v19 dropped defense-evasion from it. */
  readonly tactic: SplitTactic | null;
  readonly source: string;
}

/**
 * Where each technique this kit tags (v19 ids) that v18 listed under Defense Evasion sits after the split.
 * T1578 is Stealth in MITRE's split layer, while third-party write-ups of v19 place it under Defense Impairment:
 * check it against the v19 STIX bundle.
 */
export const DEFENSE_EVASION_SPLIT: Readonly<Record<string, SplitPlacement>> = {
  'T1685.002': { tactic: 'defense-impairment', source: `${ISSUE}; ${SPLIT_LAYER} (T1562.008: Impair Defenses)` },
  T1562: { tactic: 'defense-impairment', source: `${SPLIT_LAYER} (Impair Defenses)` },
  'T1562.001': { tactic: 'defense-impairment', source: `${SPLIT_LAYER} (Impair Defenses)` },
  'T1562.007': { tactic: 'defense-impairment', source: `${SPLIT_LAYER} (Impair Defenses)` },
  T1484: { tactic: 'defense-impairment', source: `${SPLIT_LAYER} (Impair Defenses)` },
  T1666: { tactic: 'defense-impairment', source: `${SPLIT_LAYER} (Impair Defenses)` },
  T1578: { tactic: 'stealth', source: `${SPLIT_LAYER} (Stealth)` },
  'T1556.009': { tactic: null, source: `${SPLIT_LAYER} (Remove DE)` },
  'T1078.004': { tactic: null, source: `${SPLIT_LAYER} (Remove DE)` },
  'T1548.005': { tactic: null, source: `${SPLIT_LAYER} (Remove DE)` },
};
