/**
 * A rule that a target language cannot express. Never compile a weaker query instead: the message names
 * the rule, the target, why, and which target can express it.
 */
import type { Target } from '../rule.ts';

export class CompileError extends Error {
  constructor(
    readonly ruleId: string,
    readonly target: Target,
    readonly reason: string,
    readonly suggestion: string,
  ) {
    super(`rule ${ruleId} cannot compile to ${target}: ${reason}. ${suggestion}`);
    this.name = 'CompileError';
  }
}
