/**
 * An offline plan of a Pulumi program: runs it under Pulumi's mocks engine and records every resource it
 * would register (type token, name, inputs). This is NOT `pulumi preview`: there is no provider, no
 * state and no diff, and values the cloud computes (a sink's writer identity, an access policy's number)
 * appear as "<computed: ...>" placeholders. It shows, and lets tests check, what the program asks for.
 */
import * as pulumi from '@pulumi/pulumi';

export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

type Inputs = Record<string, unknown>;

/** Output properties the cloud computes that other resources consume; anything else echoes its inputs. */
const COMPUTED: Record<string, (name: string, inputs: Inputs) => Inputs> = {
  'gcp:logging/organizationSink:OrganizationSink': (name) => ({ writerIdentity: `serviceAccount:<computed: writer identity of ${name}>` }),
  'gcp:accesscontextmanager/accessPolicy:AccessPolicy': () => ({ name: '<computed: access policy number>' }),
  'azure-native:resources:ResourceGroup': (_name, inputs) => ({ name: inputs['resourceGroupName'] }),
  'azure-native:authorization:PolicyAssignment': (name) => ({ identity: { type: 'SystemAssigned', principalId: `<computed: managed identity of ${name}>` } }),
};

export async function planUnderMocks(project: string, stack: string, program: () => void | Promise<void>): Promise<PlannedResource[]> {
  // Pulumi's runtime stores `new Error().stack` on every promise it creates (@pulumi/pulumi runtime/debuggable.js),
  // for a promise-leak report only PULUMI_DEBUG_PROMISE_LEAKS prints; formatting those stacks (through source maps
  // under tsx and vitest) is half of a plan's CPU. So the plan captures no stacks unless that variable is set:
  // an error raised while planning keeps its message, not its stack.
  const stackTraceLimit = Error.stackTraceLimit;
  if (!process.env['PULUMI_DEBUG_PROMISE_LEAKS']) Error.stackTraceLimit = 0;
  try {
    return await plan(project, stack, program);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

async function plan(project: string, stack: string, program: () => void | Promise<void>): Promise<PlannedResource[]> {
  const resources: PlannedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = args.inputs as Inputs;
        resources.push({ type: args.type, name: args.name, inputs });
        return { id: `<computed: id of ${args.name}>`, state: { ...inputs, ...(COMPUTED[args.type]?.(args.name, inputs) ?? {}) } };
      },
      call: (args) => args.inputs,
    },
    project,
    stack,
    false,
  );
  await program();
  // Registrations resolve asynchronously (outputs feed later inputs); wait until none arrive for a while.
  for (let idle = 0, seen = -1; idle < 20; ) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    idle = resources.length === seen ? idle + 1 : 0;
    seen = resources.length;
  }
  return resources.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}
