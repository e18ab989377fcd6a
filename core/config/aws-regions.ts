/**
 * The AWS regions that exist, and their partitions, from aws-cdk-lib's region-info: a pure data module
 * (no SDK, no network), so the list moves with the aws-cdk-lib version instead of a hand-kept copy.
 */
import { createRequire } from 'node:module';
import { closest } from './did-you-mean.ts';
import { AWS_PARTITIONS, type AwsPartition } from './schema.ts';

type RegionInfoModule = typeof import('aws-cdk-lib/region-info');

let partitions: ReadonlyMap<string, string> | undefined;

/**
 * Region name -> partition. Loaded on first use through require: region-info's fact table is 1.3 MB
 * and takes ~150 ms to load (an ESM import would pay that even for configs that name no region).
 */
export function awsRegionPartitions(): ReadonlyMap<string, string> {
  if (!partitions) {
    const { RegionInfo } = createRequire(import.meta.url)('aws-cdk-lib/region-info') as RegionInfoModule;
    partitions = new Map(RegionInfo.regions.flatMap((r) => (r.partition ? [[r.name, r.partition] as const] : [])));
  }
  return partitions;
}

/** Why `region` cannot be used in `partition` (unknown name, or another partition), or undefined. */
export function awsRegionProblem(region: string, partition: AwsPartition): { problem: string; fix: string } | undefined {
  const known = awsRegionPartitions();
  const regionPartition = known.get(region);
  if (regionPartition === undefined) {
    const inPartition = [...known].filter(([, p]) => p === partition).map(([name]) => name);
    const hint = closest(region, inPartition);
    return {
      problem: `"${region}" is not an AWS region`,
      fix: hint
        ? `Did you mean "${hint}"?`
        : `Use a region code of ${partition} such as ${inPartition.includes('us-east-1') ? 'us-east-1' : inPartition[0]} (the list comes from aws-cdk-lib: a region newer than it needs an update).`,
    };
  }
  if (regionPartition !== partition) {
    const supported = (AWS_PARTITIONS as readonly string[]).includes(regionPartition);
    return {
      problem: `${region} is in partition ${regionPartition} but aws.partition is ${partition}`,
      fix: supported
        ? `Use a region of ${partition}, or set aws.partition: ${regionPartition}.`
        : `Use a region of ${partition} (this kit does not support ${regionPartition}).`,
    };
  }
  return undefined;
}
