/**
 * cdk-nag 3 acknowledgements: each finding id with the reason it does not apply, on the construct
 * (and everything below it) that causes it. Never on the app or stack: a blanket acknowledgement would
 * hide the same finding on resources added later.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function acknowledge(scope: IConstruct, reasons: Readonly<Record<string, string>>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

/** The CloudFormation intrinsics a resolved token can hold: `{ 'Fn::Join': [separator, parts] }`, `{ 'Fn::GetAtt': [resource, attribute] }`, `{ Ref: resource }`. */
type CfnIntrinsic = { 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: [unknown, unknown]; Ref?: unknown };

/**
 * How cdk-nag names a resource in a granular finding id (`<rule>[Resource::<resource>]`): the value as
 * CloudFormation will see it, with references flattened (`{ Ref: X }` -> `<X>`, `Fn::GetAtt` -> `<X.Attr>`,
 * `Fn::Join` joined), as cdk-nag's flattenCfnReference does. A plain string is itself, so a construct
 * can acknowledge the finding of an ARN it builds from its stack's account and region, known or not.
 */
export function nagFindingResource(scope: IConstruct, value: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    const fn = node as CfnIntrinsic;
    if (fn['Fn::Join']) return fn['Fn::Join'][1].map(flatten).join(fn['Fn::Join'][0]);
    if (fn['Fn::GetAtt']) return `<${flatten(fn['Fn::GetAtt'][0])}.${flatten(fn['Fn::GetAtt'][1])}>`;
    if (fn['Ref']) return `<${flatten(fn['Ref'])}>`;
    return JSON.stringify(node);
  };
  return flatten(Stack.of(scope).resolve(value));
}
