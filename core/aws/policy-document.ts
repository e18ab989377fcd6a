/**
 * The IAM policy grammar as far as SCPs use it, and its minified size: AWS counts every character of
 * the document against the SCP limit, whitespace included, so we always emit and measure minified JSON.
 */
export type ConditionBlock = Record<string, Record<string, string | readonly string[]>>;

interface StatementBase {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Resource: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

/**
 * A statement names the actions it covers (Action) or the actions it leaves out (NotAction), never both
 * (IAM JSON policy elements reference: NotAction). A Deny with NotAction denies every other action.
 */
export type PolicyStatement = StatementBase &
  ({ readonly Action: string | readonly string[]; readonly NotAction?: never } | { readonly NotAction: readonly string[]; readonly Action?: never });

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

/** The actions a statement names in Action (empty for a NotAction statement). */
export function actionsOf(statement: PolicyStatement): readonly string[] {
  if (statement.Action === undefined) return [];
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

/** The actions a NotAction statement leaves out (empty for an Action statement). */
export function notActionsOf(statement: PolicyStatement): readonly string[] {
  return statement.NotAction ?? [];
}
