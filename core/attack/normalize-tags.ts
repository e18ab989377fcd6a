/**
 * Reads ATT&CK tags written for v18 as v19, with a note per tag it changes. Rules written before v19 (user
 * Sigma rules, mostly) keep working: a technique v19 renumbered takes its v19 id (v19-renumbering.ts), and the
 * retired tactic tag Defense Evasion becomes Stealth or Defense Impairment according to the rule's own
 * techniques, or is dropped when v19 took it off all of them. With no technique to go by it is kept, with a
 * note saying so. Both Sigma spellings of a tactic are read (`attack.defense_evasion`, `attack.defense-evasion`)
 * and the replacement keeps the spelling it was given. Tags already on v19 come back unchanged, with no note.
 */
import { DEFENSE_EVASION_SPLIT, RETIRED_TACTIC, type SplitTactic, V18_TO_V19_TECHNIQUES } from './v19-renumbering.ts';

export interface NormalizedTags {
  readonly tags: string[];
  readonly notes: string[];
}

const TECHNIQUE_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;
const RETIRED_TACTIC_TAGS = new Set([`attack.${RETIRED_TACTIC}`, `attack.${RETIRED_TACTIC.replaceAll('-', '_')}`]);

function techniqueId(tag: string): string | undefined {
  const match = TECHNIQUE_TAG.exec(tag);
  return match ? match[1]!.toUpperCase() : undefined;
}

const techniqueTag = (id: string) => `attack.${id.toLowerCase()}`;

export function normalizeAttackTags(tags: readonly string[]): NormalizedTags {
  const notes: string[] = [];
  const renumbered = tags.map((tag) => {
    const v19 = V18_TO_V19_TECHNIQUES[techniqueId(tag) ?? '']?.v19;
    if (v19 === undefined) return tag;
    notes.push(`${tag} is ATT&CK v18; mapped to ${techniqueTag(v19)} (v19)`);
    return techniqueTag(v19);
  });

  const placed = [...new Set(renumbered.map(techniqueId))].filter((id): id is string => id !== undefined && id in DEFENSE_EVASION_SPLIT);
  const moved = placed.filter((id) => DEFENSE_EVASION_SPLIT[id]!.tactic !== null);
  const tactics = [...new Set(moved.map((id) => DEFENSE_EVASION_SPLIT[id]!.tactic!))];
  const split = renumbered.flatMap((tag) => {
    if (!RETIRED_TACTIC_TAGS.has(tag.toLowerCase())) return [tag];
    const spell = (tactic: SplitTactic) => `attack.${tag.includes('_') ? tactic.replaceAll('-', '_') : tactic}`;
    if (placed.length === 0) {
      notes.push(
        `${tag} is ATT&CK v18; v19 split it into ${spell('stealth')} and ${spell('defense-impairment')}, and no technique of the rule says which: kept`,
      );
      return [tag];
    }
    if (tactics.length === 0) {
      notes.push(
        `${tag} is ATT&CK v18; v19 lists none of ${placed.map(techniqueTag).join(', ')} under ${spell('stealth')} or ${spell('defense-impairment')}: dropped`,
      );
      return [];
    }
    const replacement = tactics.map(spell);
    notes.push(`${tag} is ATT&CK v18; mapped to ${replacement.join(' and ')} (v19), by ${moved.map(techniqueTag).join(', ')}`);
    return replacement;
  });

  return { tags: [...new Set(split)], notes };
}
