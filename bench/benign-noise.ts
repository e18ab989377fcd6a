/**
 * False alarms on benign traffic: how many matches each rule level gets on the corpus events that are
 * routine, AWS services' own calls and ordinary SDK traffic (aws/service_originated_and_sdk_benign.json,
 * see the corpus SOURCES.md). High and critical rules page someone, so they must get none
 * (test/core/detection/benign-noise.test.ts holds that). `npm run bench -- noise` prints the counts.
 *
 * gcp/other_clients_benign.json is not counted although its name says benign: the name means "clients
 * other than the Cloud SDK", and its events 0 and 2 are an owner-role grant to a backdoor account and a
 * new log exclusion, which the corpus labels rightly have high rules fire on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../core/config/load.ts';
import { loadCatalog, type CatalogRule } from '../core/detection/catalog.ts';
import { detectSource } from '../core/detection/logsources/detect-source.ts';
import { LEVELS } from '../core/detection/rule.ts';

const CORPUS_DIR = 'test/fixtures/corpus';
/** The corpus files of routine traffic only (see the header). */
export const BENIGN_FILES = ['aws/service_originated_and_sdk_benign.json'] as const;

export interface BenignMatch {
  readonly file: string;
  readonly index: number;
  readonly rule: string;
  readonly level: CatalogRule['rule']['level'];
}

/** Every match of the catalog (example config) on the benign corpus files. */
export function benignMatches(rules: readonly CatalogRule[] = loadCatalog(loadConfigFile('guardrails.example.yaml'))): {
  files: string[];
  events: number;
  matches: BenignMatch[];
} {
  const files = BENIGN_FILES.filter((f) => readdirSync(join(CORPUS_DIR, f.split('/')[0]!)).includes(f.split('/')[1]!));
  const matches: BenignMatch[] = [];
  let events = 0;
  for (const file of files) {
    (JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as unknown[]).forEach((raw, index) => {
      events++;
      const sourced = detectSource(raw);
      if (!sourced) return;
      for (const r of rules) {
        if (r.rule.logsource.product === sourced.product && r.rule.logsource.service === sourced.service && r.matches(sourced.event))
          matches.push({ file, index, rule: r.rule.id, level: r.rule.level });
      }
    });
  }
  return { files, events, matches };
}

export function benchBenignNoise(): string[] {
  const { files, events, matches } = benignMatches();
  const perLevel = LEVELS.map((level) => `${level} ${matches.filter((m) => m.level === level).length}`).join(', ');
  return [`noise: ${matches.length} matches on ${events} benign corpus events (${files.join(', ')}): ${perLevel}`];
}
