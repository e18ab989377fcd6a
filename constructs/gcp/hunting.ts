/**
 * Organization-scale hunting on GCP: a BigQuery dataset linked to the audit-log bucket, so BigQuery (and
 * `guardrails hunt --engine bigquery`) can read the organization's audit logs in place, with the bucket's
 * own retention and access control. The bucket must already use Log Analytics (GcpAuditLogging's
 * `bucket.args.analytics`, or your own upgraded bucket).
 *
 * Pulumi registry, gcp.logging.LinkedDataset (https://www.pulumi.com/registry/packages/gcp/api-docs/logging/linkeddataset/):
 * `bucket` is the bucket id with `parent` projects/<project> and `location`; "When a link is created, a BigQuery
 * dataset is created along with it, in the same project as the LogBucket". Cloud Logging API,
 * locations.buckets.links.create (https://cloud.google.com/logging/docs/reference/v2/rest/v2/locations.buckets.links/create):
 * the linkId has up to 100 characters, letters, digits and underscores only, and a bucket holds one link.
 */
import * as logging from '@pulumi/gcp/logging/index.js';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../../core/config/config-error.ts';

export interface GcpHuntingArgs {
  /** The project holding the log bucket (and, so, the linked dataset). */
  readonly project: pulumi.Input<string>;
  /** The bucket's Cloud Logging location, e.g. 'global'. */
  readonly location: pulumi.Input<string>;
  /** The bucket's id, e.g. 'guardrails-audit' (AUDIT_BUCKET_ID). */
  readonly bucketId: pulumi.Input<string>;
  /** The linked dataset's id, which is the BigQuery dataset's id too. @default 'guardrails_audit' */
  readonly linkId?: string;
}

const LINK_ID = /^\w{1,100}$/;

export class GcpHunting extends pulumi.ComponentResource {
  readonly linkedDataset: logging.LinkedDataset;

  /** Pass the bucket in `opts.dependsOn` when it is created in the same program: the link needs it upgraded first. */
  constructor(name: string, args: GcpHuntingArgs, opts?: pulumi.ComponentResourceOptions) {
    const linkId = args.linkId ?? 'guardrails_audit';
    if (!LINK_ID.test(linkId)) {
      throw new ConfigError(`GcpHunting '${name}' args.linkId`, `"${linkId}" is not a linked dataset id`, 'Use 1-100 letters, digits or underscores.');
    }
    super('guardrails:gcp:Hunting', name, {}, opts);
    this.linkedDataset = new logging.LinkedDataset(
      `${name}-linked-dataset`,
      {
        linkId,
        bucket: args.bucketId,
        parent: pulumi.interpolate`projects/${args.project}`,
        location: args.location,
        description: 'cloud-api-guardrails: the organization audit logs, read in place by BigQuery for hunting',
      },
      { parent: this },
    );
    this.registerOutputs({ linkedDatasetName: this.linkedDataset.name });
  }
}
