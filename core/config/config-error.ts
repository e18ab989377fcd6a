/**
 * A configuration problem, reported as exactly one line: where, what is wrong, and the fix.
 * Entry points print `message` to stderr and exit non-zero without a stack trace.
 */
export class ConfigError extends Error {
  /**
   * @param path  dotted field path, e.g. `trustedNetworks.cidrs[2]` (or a file name for file-level problems)
   * @param problem what is wrong, without a trailing period
   * @param fix   what to do instead
   */
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly fix: string,
    readonly location?: string,
  ) {
    super(`${location ? `${location} ` : ''}${path}: ${problem}. ${fix}`.replace(/\s+/g, ' ').trim());
    this.name = 'ConfigError';
  }

  /** The same error with a file:line prefix, once the loader knows where the field is. */
  at(location: string): ConfigError {
    return new ConfigError(this.path, this.problem, this.fix, location);
  }
}

/** Non-fatal findings (overlaps that were merged, documentation ranges): printed, never thrown. */
export interface ConfigWarning {
  readonly path: string;
  readonly message: string;
}
