/**
 * cdk-nag 3 acknowledgements: each finding id with the reason it does not apply, on the construct
 * (and everything below it) that causes it. Never on the app or stack: a blanket acknowledgement would
 * hide the same finding on resources added later.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function acknowledge(scope: IConstruct, reasons: Readonly<Record<string, string>>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}
