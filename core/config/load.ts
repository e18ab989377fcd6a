/**
 * Finds, reads and validates the config file. The only place that touches the file system for config;
 * entry points pass in the command-line and environment values so this stays testable.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { closest } from './did-you-mean.ts';
import type { GuardrailsModel } from './model.ts';
import { configSchema } from './schema.ts';
import { validateConfig } from './validate.ts';

export const DEFAULT_CONFIG_FILE = 'guardrails.yaml';
export const EXAMPLE_CONFIG_FILE = 'guardrails.example.yaml';
export const CONFIG_ENV_VAR = 'GUARDRAILS_CONFIG';
export const CONFIG_CONTEXT_KEY = 'guardrailsConfig';
/** A guardrails config is a few kilobytes; anything past this is the wrong file. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Alias expansions allowed when building the data (yaml's toJS check): stops "billion laughs" files. */
export const MAX_ALIAS_COUNT = 100;

export interface ConfigSource {
  readonly path: string;
  /** Set when we fell back to the example: entry points print it on stderr. */
  readonly notice?: string;
}

/** Precedence: `cdk -c guardrailsConfig=PATH` (or --config), then $GUARDRAILS_CONFIG, then ./guardrails.yaml, then the example. */
/** `exampleDir`: where the shipped example lives when the command runs outside the checkout. */
/** `explicitFlag`: how the user gave `explicit` (default `-c guardrailsConfig`), named when it is wrong. */
export function resolveConfigPath(options: { explicit?: string; explicitFlag?: string; env?: string; cwd: string; exampleDir?: string }): ConfigSource {
  const chosen = options.explicit || options.env;
  if (chosen) {
    const path = resolve(options.cwd, chosen);
    const from = options.explicit ? (options.explicitFlag ?? `-c ${CONFIG_CONTEXT_KEY}`) : `$${CONFIG_ENV_VAR}`;
    if (!existsSync(path)) throw new ConfigError(from, `${path} does not exist`, 'Point it at a guardrails YAML file.');
    if (isDirectory(path)) throw new ConfigError(from, `${path} is a directory`, 'Point it at a guardrails YAML file.');
    return { path };
  }
  const local = resolve(options.cwd, DEFAULT_CONFIG_FILE);
  if (existsSync(local)) return { path: local };
  return {
    path: resolve(options.exampleDir ?? options.cwd, EXAMPLE_CONFIG_FILE),
    notice: `notice: no ${DEFAULT_CONFIG_FILE} here and no $${CONFIG_ENV_VAR}; using ${EXAMPLE_CONFIG_FILE} (documentation IP ranges, report mode). Copy it to ${DEFAULT_CONFIG_FILE} and edit it for your organization.`,
  };
}

export function loadConfigFile(path: string): GuardrailsModel {
  const name = basename(path);
  if (!existsSync(path)) throw new ConfigError(name, 'file not found', `Create it from ${EXAMPLE_CONFIG_FILE}.`);
  let text: string;
  try {
    // Size from stat before reading, so a huge file is refused without being read.
    const stats = statSync(path);
    if (stats.isDirectory())
      throw new ConfigError(name, `${path} is a directory, not a YAML file`, `Point the config at the guardrails YAML file, e.g. ${DEFAULT_CONFIG_FILE}.`);
    if (stats.size > MAX_CONFIG_BYTES) {
      throw new ConfigError(
        name,
        `is ${stats.size.toLocaleString('en-US')} bytes, over the ${MAX_CONFIG_BYTES.toLocaleString('en-US')}-byte (1 MiB) limit for a config file`,
        'A guardrails config is a few kilobytes: check the path points at the right file.',
      );
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(name, `cannot be read (${systemErrorText(error)})`, "Check the path and the file's permissions.");
  }
  return parseConfigText(text, name);
}

/** `EACCES: permission denied` from a Node system error, without the path Node appends. */
function systemErrorText(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = (message ?? String(error)).split(', ')[0]!;
  return code && !text.startsWith(code) ? `${code}: ${text}` : text;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Parses YAML text into the validated model; errors carry `file:line` of the offending field. */
export function parseConfigText(text: string, fileName: string): GuardrailsModel {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line } = lineCounter.linePos(syntax.pos[0]);
    throw new ConfigError('(yaml)', syntax.message.split('\n')[0]!.replace(/\.$/, ''), 'Fix the YAML syntax.', `${fileName}:${line}`);
  }
  const raw: unknown = toData(doc, lineCounter, fileName) ?? {};
  const locate = (path: readonly PropertyKey[]) => `${fileName}:${lineOf(doc, lineCounter, path)}`;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw schemaIssueToError(issue, raw).at(locate(where));
  }
  try {
    return validateConfig(parsed.data, fileName);
  } catch (error) {
    if (error instanceof ConfigError && !error.location) throw error.at(locate(pathFromText(error.path)));
    throw error;
  }
}

/** The document as plain data; alias bombs and other alias errors become one line. */
function toData(doc: Document, lineCounter: LineCounter, fileName: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws ReferenceError for alias problems (too many expansions, alias before its anchor).
    if (!(error instanceof ReferenceError)) throw error;
    const location = `${fileName}:${firstAliasLine(doc, lineCounter)}`;
    if (/excessive alias count/i.test(error.message)) {
      throw new ConfigError(
        '(yaml)',
        `too many alias expansions (over ${MAX_ALIAS_COUNT}), the shape of a "billion laughs" file that exhausts memory`,
        'Remove the YAML aliases (&anchor/*alias) and write the values out.',
        location,
      );
    }
    throw new ConfigError('(yaml)', error.message.replace(/\.$/, ''), 'Fix the YAML aliases (&anchor/*alias).', location);
  }
}

/** 1-based line of the first alias (*name) in the document, or 1. */
function firstAliasLine(doc: Document, counter: LineCounter): number {
  let line = 1;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) line = counter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/** `a.b[2].c` for messages. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || '(top level)';
}

function pathFromText(text: string): (string | number)[] {
  return [...text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

function schemaIssueToError(issue: z.core.$ZodIssue, raw: unknown): ConfigError {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeys(issue.path);
    const hint = closest(key, known);
    const path = formatPath([...issue.path, key]);
    return new ConfigError(path, 'is not a known setting', hint ? `Did you mean "${hint}"?` : `Known here: ${known.join(', ')}.`);
  }
  const path = formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  if (value === undefined && issue.code === 'invalid_type') {
    return new ConfigError(path, 'is required', 'Add it (see guardrails.example.yaml).');
  }
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return new ConfigError(path, `${issue.message}${shown}`, 'See guardrails.example.yaml and guardrails.schema.json.');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), raw);
}

/** Keys the schema allows for the object at `path` (for "did you mean"). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = configSchema;
  for (const key of path) {
    schema = unwrap(schema);
    const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    const next = def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : undefined;
    if (!next) return [];
    schema = next;
  }
  const def = unwrap(schema)._zod.def as { shape?: Record<string, unknown> };
  return Object.keys(def.shape ?? {});
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** 1-based line of the deepest existing node on `path` (the parent when the key itself is missing). */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return counter.linePos(range[0]).line;
  }
  return 1;
}
