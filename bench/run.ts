/**
 * `npm run bench`: every benchmark, each reported against a baseline measured in the same run.
 * `npm run bench -- plan detect` runs only the named ones (synth, scp, alarms, pulumi, plan, simulation, detect, package, sigma, stratus, noise).
 */
import { benchSynth } from './synth.ts';
import { baselineSize, capacity, thousandNetworks } from './scp-capacity.ts';
import { benchDetect } from './detect.ts';
import { benchAlarmScale } from './alarm-scale.ts';
import { benchPulumiScale } from './pulumi-scale.ts';
import { benchPlan } from './plan.ts';
import { benchOrganizationSimulation } from './organization-simulation.ts';
import { benchPackage } from './package.ts';
import { benchSigmaCoverage } from './sigma-coverage.ts';
import { benchBenignNoise } from './benign-noise.ts';
import { benchStratusCoverage } from './stratus-coverage.ts';

const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);

if (wanted('synth')) {
  const synth = benchSynth();
  console.log(
    `synth: full AWS app ${synth.fullMs.toFixed(0)} ms vs empty CDK app ${synth.emptyMs.toFixed(0)} ms (median of 5) -> ratio ${synth.ratio.toFixed(2)}`,
  );
}

if (wanted('scp')) {
  const overhead = baselineSize();
  for (const prefix of [24, 32] as const) {
    const c = capacity(prefix);
    console.log(
      `scp capacity: ${c.networks} random /${prefix} networks fit one 10,240-character perimeter statement (${c.aggregated} after aggregation, ${c.size} characters; fixed overhead ${overhead})`,
    );
  }
  for (const kind of ['contiguous /24', 'random /32'] as const) {
    console.log(`1,000 ${kind} networks: ${await thousandNetworks(kind)}`);
  }
}

if (wanted('alarms')) for (const line of await benchAlarmScale()) console.log(line);
if (wanted('pulumi')) for (const line of benchPulumiScale()) console.log(line);
if (wanted('plan')) for (const line of benchPlan()) console.log(line);
if (wanted('detect')) for (const line of await benchDetect()) console.log(line);
if (wanted('simulation')) for (const line of await benchOrganizationSimulation()) console.log(line);
if (wanted('package')) for (const line of benchPackage()) console.log(line);
if (wanted('sigma')) for (const line of benchSigmaCoverage()) console.log(line);
if (wanted('stratus')) for (const line of benchStratusCoverage()) console.log(line);
if (wanted('noise')) for (const line of benchBenignNoise()) console.log(line);
