/** Test configs: the shipped example, optionally edited, parsed exactly as the entry points parse it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../core/config/config-error.ts';
import { parseConfigText } from '../../core/config/load.ts';
import type { GuardrailsModel } from '../../core/config/model.ts';

export const EXAMPLE_PATH = fileURLToPath(new URL('../../guardrails.example.yaml', import.meta.url));
export const exampleText = (): string => readFileSync(EXAMPLE_PATH, 'utf8');

/** Loosely typed on purpose: tests write invalid values into it. */
export type Editable = Record<string, any>;

/** The example config as plain data, edited by `edit`, back to YAML text. */
export function editedExample(edit: (config: Editable) => void = () => {}): string {
  const config = parse(exampleText()) as Editable;
  edit(config);
  return stringify(config);
}

export function exampleModel(edit?: (config: Editable) => void): GuardrailsModel {
  return parseConfigText(editedExample(edit), 'guardrails.yaml');
}

/** The example in enforce mode with non-documentation egress ranges (what a real deployment looks like). */
export function enforceModel(edit: (config: Editable) => void = () => {}): GuardrailsModel {
  return exampleModel((c) => {
    c.mode = 'enforce';
    c.trustedNetworks.cidrs = ['198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'];
    edit(c);
  });
}

/** The one line a user sees when `run` refuses a config; fails the test if it was accepted. */
export function configErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('config was accepted');
}
