/**
 * The IAM policy grammar as far as SCPs use it, and its minified size: AWS counts every character of
 * the document against the SCP limit, whitespace included, so we always emit and measure minified JSON.
 */
export type ConditionBlock = Record<string, Record<string, string | readonly string[]>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function minify(document: PolicyDocument): string {
  return JSON.stringify(document);
}

/** Characters a document with these statements takes once minified. */
export function documentSize(statements: readonly PolicyStatement[]): number {
  return minify(policyDocument(statements)).length;
}

export function actionsOf(statement: PolicyStatement): readonly string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}
