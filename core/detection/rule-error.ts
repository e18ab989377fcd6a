/** A problem with one rule, as one line: file, YAML path (or target), what is wrong. */
export class RuleError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${file}: ${where}: ${problem}`);
    this.name = 'RuleError';
  }
}
