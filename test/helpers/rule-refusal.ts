/** The one-line reason a rule or pipeline is refused. */
import { PipelineError } from '../../core/detection/pipeline-error.ts';
import { RuleError } from '../../core/detection/rule-error.ts';

/** The message of the RuleError or PipelineError `run` throws; fails the test when it throws none (any other error is rethrown). */
export function ruleRefusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RuleError || error instanceof PipelineError) return error.message;
    throw error;
  }
  throw new Error('no error');
}
