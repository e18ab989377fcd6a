/** Rules, streams and a sink for the hunt tests. */
import { Writable } from 'node:stream';
import type { CatalogRule } from '../../../core/detection/catalog.ts';
import { compileExpr } from '../../../core/detection/evaluator.ts';
import type { HuntMatch, HuntSink } from '../../../core/hunt/outcome.ts';
import { exampleModel } from '../../helpers/config.ts';
import { expand, inlineRule } from '../../helpers/rules.ts';

export function catalogRule(id: string, detection: Record<string, unknown>, logsource: { product: string; service: string }): CatalogRule {
  const rule = inlineRule(detection, logsource, { id, title: `Title of ${id}` });
  const expr = expand(rule);
  return { rule, expr, matches: compileExpr(expr) };
}

const CLOUDTRAIL = { product: 'aws', service: 'cloudtrail' };
export const awsRules = (): CatalogRule[] => [
  catalogRule('hunt-stop-logging', { selection: { eventName: 'StopLogging' }, condition: 'selection' }, CLOUDTRAIL),
  catalogRule('hunt-delete-trail', { selection: { eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail' }, condition: 'selection' }, CLOUDTRAIL),
];
export const gcpRules = (): CatalogRule[] => [
  catalogRule(
    'hunt-set-iam-policy',
    { selection: { 'protoPayload.methodName': 'SetIamPolicy' }, condition: 'selection' },
    { product: 'gcp', service: 'gcp.audit' },
  ),
];
export const azureRules = (): CatalogRule[] => [
  catalogRule(
    'hunt-list-keys',
    { selection: { OperationNameValue: 'MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION' }, condition: 'selection' },
    { product: 'azure', service: 'azureactivity' },
  ),
];

/** A stream that keeps what was written; `isTTY` as given. */
export function capture(isTTY = false) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY?: boolean; text: () => string };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

/** A sink that records matches, warnings and progress lines. */
export function recordingSink(withProgress = false) {
  const matches: HuntMatch[] = [];
  const warnings: string[] = [];
  const progress: string[] = [];
  const sink: HuntSink = {
    onMatch: (m) => matches.push(m),
    warn: (line) => warnings.push(line),
    ...(withProgress ? { progress: (text: string) => progress.push(text) } : {}),
  };
  return { sink, matches, warnings, progress };
}

export const model = exampleModel();
