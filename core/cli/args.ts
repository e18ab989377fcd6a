/** A small argv parser: `--flag`, `--key value`, `--key=value`, positionals. Unknown flags are errors. */
export class UsageError extends Error {
  /** The command whose usage line follows the message, when there is one. */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly options: Record<string, string | true>;
}

export function parseArgs(argv: readonly string[], known: Readonly<Record<string, 'flag' | 'value'>>, command?: string): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
    const kind = known[name];
    if (!kind)
      throw new UsageError(
        `unknown option --${name} (known: ${Object.keys(known)
          .map((k) => `--${k}`)
          .join(', ')})`,
        command,
      );
    if (kind === 'flag') options[name] = true;
    else {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`, command);
      options[name] = value;
    }
  }
  return { positionals, options };
}

export function oneOf<T extends string>(name: string, value: string | true | undefined, allowed: readonly T[], command?: string): T | undefined {
  if (value === undefined) return undefined;
  if (value === true || !(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`, command);
  return value as T;
}

/** `guardrails hunt`'s options (core/cli/hunt.ts checks which engine each belongs to). */
export const HUNT_OPTIONS = {
  engine: 'value',
  since: 'value',
  until: 'value',
  timeout: 'value',
  format: 'value',
  'fail-on-match': 'flag',
  workgroup: 'value',
  database: 'value',
  table: 'value',
  accounts: 'value',
  regions: 'value',
  project: 'value',
  dataset: 'value',
  'max-gb': 'value',
  workspace: 'value',
} as const;
