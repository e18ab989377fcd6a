/**
 * `guardrails plan`: everything the kit would deploy, without deploying anything.
 *   DIR/aws/                  the AWS cloud assembly, synthesized in-process with cdk-nag on (what
 *                             `cdk synth` writes; `cdk deploy --app DIR/aws` deploys it)
 *   DIR/azure.plan.json       offline plans of the Pulumi programs under Pulumi's mocks engine:
 *   DIR/gcp.plan.json         `{"resources":[{"type","name","inputs"}]}`; not `pulumi preview`
 *   DIR/report.md             for a security lead (core/report/plan-report.ts)
 *   DIR/attack-navigator-layer.json
 * Cloud code (aws-cdk-lib, @pulumi/*) is imported only when its cloud is planned.
 */
import { coverageOf } from '../report/technique-coverage.ts';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import type { GuardrailsModel } from '../config/model.ts';
import type { CatalogRule } from '../detection/catalog.ts';
import type { Correlation } from '../detection/correlation.ts';
import { navigatorLayer } from '../report/navigator-layer.ts';
import { preventiveControlNames, renderPlanReport, type AwsPlanFacts, type PlanFacts, type PulumiPlanFacts } from '../report/plan-report.ts';

export const PLAN_DISCLAIMER =
  'The Azure and GCP plans come from Pulumi\'s mocks engine, not `pulumi preview`: no provider was called, nothing was diffed against real state, and values the cloud computes appear as "<computed: ...>".';

export const PLAN_CLOUDS = ['aws', 'azure', 'gcp'] as const;
export type PlanCloud = (typeof PLAN_CLOUDS)[number];

export interface PlanOptions {
  readonly clouds: readonly PlanCloud[];
  readonly model: GuardrailsModel;
  readonly catalog: readonly CatalogRule[];
  /** Correlations: the AWS alarm plan, the Azure and the GCP programs deploy those that list cloudwatch, kql or gcp. */
  readonly correlations?: readonly Correlation[];
  readonly outDir: string;
  /** Shown in the report (a file name, not a path, so reports compare across machines). */
  readonly configFile: string;
  readonly version: string;
  /** cdk.json's context (feature flags), as the CDK CLI would pass it. */
  readonly cdkContext: Record<string, unknown>;
  readonly err: NodeJS.WritableStream;
}

export interface PlanResult {
  readonly files: readonly string[];
  readonly facts: PlanFacts;
}

/** The clouds `--cloud all` means: those the config has a section for. */
export function cloudsToPlan(requested: PlanCloud | 'all', model: GuardrailsModel): PlanCloud[] {
  if (requested !== 'all') {
    if (!model[requested])
      throw new ConfigError(
        requested,
        `has no section in ${model.source}, so there is nothing to plan`,
        `Add a "${requested}:" section (see guardrails.example.yaml), or plan another cloud.`,
      );
    return [requested];
  }
  const present = PLAN_CLOUDS.filter((c) => model[c]);
  if (present.length === 0)
    throw new ConfigError(
      '(top level)',
      'has no aws, azure or gcp section, so there is nothing to plan',
      'Add at least one cloud section (see guardrails.example.yaml).',
    );
  return present;
}

export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const { model, catalog, outDir, err } = options;
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    err.write(`plan: ${name}...\n`);
    const result = await work();
    err.write(`plan: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return result;
  };
  let aws: AwsPlanFacts | undefined;
  let azure: PulumiPlanFacts | undefined;
  let gcp: PulumiPlanFacts | undefined;
  if (options.clouds.includes('aws')) {
    aws = await phase('aws (cdk synth with cdk-nag)', () => synthAws(options));
    files.push(join(outDir, 'aws'));
  }
  for (const cloud of ['azure', 'gcp'] as const) {
    if (!options.clouds.includes(cloud)) continue;
    const facts = await phase(`${cloud} (Pulumi program under mocks)`, () => planPulumi(cloud, options));
    if (cloud === 'azure') azure = facts;
    else gcp = facts;
    files.push(join(outDir, facts.file));
  }
  const facts: PlanFacts = {
    version: options.version,
    configFile: options.configFile,
    model,
    rules: catalog.map((r) => r.rule),
    correlations: (options.correlations ?? []).map(coverageOf),
    aws,
    azure,
    gcp,
  };
  await phase('report and ATT&CK layer', async () => {
    writeFileSync(join(outDir, 'report.md'), renderPlanReport(facts));
    const layer = navigatorLayer(
      catalog.map((r) => ({ id: r.rule.id, product: r.rule.logsource.product, tags: r.rule.tags })),
      preventiveControlNames(facts),
    );
    writeFileSync(join(outDir, 'attack-navigator-layer.json'), `${JSON.stringify(layer, null, 2)}\n`);
  });
  files.push(join(outDir, 'report.md'), join(outDir, 'attack-navigator-layer.json'));
  if (azure || gcp) err.write(`${PLAN_DISCLAIMER}\n`);
  for (const note of [...(azure?.notes ?? []), ...(gcp?.notes ?? [])]) err.write(`note: ${note}\n`);
  err.write(`wrote ${files.join(', ')}\n`);
  return { files, facts };
}

async function synthAws(options: PlanOptions): Promise<AwsPlanFacts> {
  const [{ planPerimeter }, { planAlarms }, { buildAwsApp }] = await Promise.all([
    import('../aws/perimeter-plan.ts'),
    import('../aws/alarm-plan.ts'),
    import('../../stacks/aws/app.ts'),
  ]);
  const perimeter = await planPerimeter(options.model);
  const alarms = planAlarms(options.model, options.catalog, options.correlations ?? []);
  const outdir = join(options.outDir, 'aws');
  // Only ever remove a directory that is a cloud assembly of ours, never what a user pointed --out at.
  if (existsSync(join(outdir, 'manifest.json'))) rmSync(outdir, { recursive: true, force: true });
  const { app } = buildAwsApp(options.model, perimeter, alarms, { outdir, context: options.cdkContext });
  const assembly = app.synth();
  const stacks = assembly.stacks.map((s) => ({ name: s.stackName, resources: Object.keys((s.template as { Resources?: object }).Resources ?? {}).length }));
  return { perimeter, alarms, assemblyDir: relative(options.outDir, outdir) || '.', stacks };
}

async function planPulumi(cloud: 'azure' | 'gcp', options: PlanOptions): Promise<PulumiPlanFacts> {
  const { planUnderMocks } = await import('../../stacks/pulumi-plan.ts');
  const { program, notes } =
    cloud === 'gcp'
      ? await import('../../stacks/gcp/program.ts').then((m) => ({
          program: (o: PlanOptions) => m.gcpProgram(o.model, o.catalog, o.correlations ?? []),
          notes: m.GCP_PLAN_NOTES,
        }))
      : await import('../../stacks/azure/program.ts').then((m) => ({
          program: (o: PlanOptions) => void m.azureProgram(o.model, o.catalog, o.correlations ?? []),
          notes: m.azurePlanNotes(options.model),
        }));
  const resources = await planUnderMocks('cloud-api-guardrails', cloud, () => program(options));
  const file = `${cloud}.plan.json`;
  writeFileSync(join(options.outDir, file), `${JSON.stringify({ resources }, null, 2)}\n`);
  return { file, resources, notes };
}

/** cdk.json's context, read from the package root. */
export function readCdkContext(packageRoot: string): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(packageRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}
