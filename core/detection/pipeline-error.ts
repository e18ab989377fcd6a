/** A problem with a processing pipeline file (pipeline.ts), as one line: file, YAML path (with its line), what is wrong. */
export class PipelineError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${file}: ${where}: ${problem}`);
    this.name = 'PipelineError';
  }
}
