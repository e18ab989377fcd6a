/** aws.hunting and gcp.hunting: defaults, the model the stacks get, and one-line errors for bad input. */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../core/config/load.ts';
import { configErrorOf, editedExample, exampleModel, type Editable } from '../../helpers/config.ts';

/** The one-line error without the file:line prefix the loader adds. */
const errorFor = (edit: (config: Editable) => void) =>
  configErrorOf(() => parseConfigText(editedExample(edit), 'guardrails.yaml')).replace(/^guardrails\.yaml:\d+ /, '');
const awsHunting = (hunting: Editable) => (c: Editable) => (c.aws.hunting = hunting);
const gcpHunting = (hunting: Editable) => (c: Editable) => (c.gcp.hunting = hunting);
const warningsOf = (edit: (config: Editable) => void) => exampleModel(edit).warnings.filter((w) => w.path.includes('hunting'));

describe('aws.hunting', () => {
  it('is absent from the model unless enabled', () => {
    expect('hunting' in exampleModel().aws!).toBe(false);
    expect('hunting' in exampleModel(awsHunting({ enabled: false, workgroupName: 'kept' })).aws!).toBe(false);
  });

  it("defaults every setting, the lookback to the trail's deepArchiveAfterDays", () => {
    expect(exampleModel(awsHunting({})).aws!.hunting).toEqual({
      databaseName: 'guardrails_hunting',
      workgroupName: 'guardrails-hunting',
      resultsRetentionDays: 30,
      bytesScannedCutoffGb: 1024,
      lookbackDays: 365,
    });
    const deeper = exampleModel((c) => {
      c.aws.trail.deepArchiveAfterDays = 730;
      c.aws.hunting = { enabled: true };
    });
    expect(deeper.aws!.hunting!.lookbackDays).toBe(730);
    expect(exampleModel(awsHunting({ lookbackDays: 30 })).aws!.hunting!.lookbackDays).toBe(30);
  });

  it('warns when the lookback reaches logs in Glacier Deep Archive, and only then', () => {
    expect(warningsOf(awsHunting({ lookbackDays: 400 }))).toEqual([
      {
        path: 'aws.hunting.lookbackDays',
        message:
          '(400) reaches past aws.trail.deepArchiveAfterDays (365): Athena skips logs in Glacier Deep Archive, so hunts see the oldest 35 days only once those objects are restored',
      },
    ]);
    expect(warningsOf(awsHunting({ lookbackDays: 365 }))).toEqual([]);
  });

  it.each([
    [
      { workgroupName: 'primary' },
      'aws.hunting.workgroupName: "primary" is the workgroup Athena creates in every account, so the kit cannot create it. Use another name, e.g. guardrails-hunting.',
    ],
    [{ workgroupName: 'soc hunts' }, /^aws\.hunting\.workgroupName: must be an Athena workgroup name: 1-128 letters, digits, dots, underscores or hyphens/],
    [
      { databaseName: 'Guardrails-Hunting' },
      /^aws\.hunting\.databaseName: must be a Glue\/Athena database name: a lowercase letter, then lowercase letters, digits or underscores/,
    ],
    [{ bytesScannedCutoffGb: 0 }, /^aws\.hunting\.bytesScannedCutoffGb: Too small: expected number to be >=1 \(got 0\)/],
    [{ resultsRetentionDays: 0 }, /^aws\.hunting\.resultsRetentionDays: Too small: expected number to be >=1 \(got 0\)/],
    [{ lookbackDays: 2.5 }, /^aws\.hunting\.lookbackDays: Invalid input: expected int, received number \(got 2\.5\)/],
    [{ workgroup: 'x' }, /^aws\.hunting\.workgroup: is not a known setting/],
  ])('refuses %j in one line naming the field', (hunting, expected) => {
    const message = errorFor(awsHunting(hunting));
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });
});

describe('gcp.hunting', () => {
  it('is absent from the model unless enabled, and defaults the linked dataset id', () => {
    expect('hunting' in exampleModel().gcp!).toBe(false);
    expect('hunting' in exampleModel(gcpHunting({ enabled: false })).gcp!).toBe(false);
    expect(exampleModel(gcpHunting({ enabled: true })).gcp!.hunting).toEqual({ linkedDatasetId: 'guardrails_audit' });
  });

  it('warns that the upgrade is irreversible, and how it meets the bucket lock', () => {
    expect(warningsOf(gcpHunting({})).map((w) => [w.path, w.message])).toEqual([
      [
        'gcp.hunting',
        'upgrades the log bucket to Log Analytics, which can never be turned off; enable it before setting lockLogBucket (Cloud Logging upgrades only unlocked buckets)',
      ],
    ]);
    const locked = warningsOf((c) => {
      c.gcp.lockLogBucket = true;
      c.gcp.hunting = {};
    });
    expect(locked).toHaveLength(1);
    expect(locked[0]!.message).toMatch(
      /deployed together with lockLogBucket the upgrade is applied before the lock, but a bucket locked by an earlier deploy cannot be upgraded/,
    );
  });

  it.each([
    [{ linkedDatasetId: 'guardrails-audit' }, /^gcp\.hunting\.linkedDatasetId: must be 1-100 letters, digits or underscores \(a BigQuery linked dataset id\)/],
    [{ linkedDatasetId: 'x'.repeat(101) }, /^gcp\.hunting\.linkedDatasetId: must be 1-100 letters/],
    [{ enabled: 'yes' }, /^gcp\.hunting\.enabled: Invalid input: expected boolean, received string/],
  ])('refuses %j in one line naming the field', (hunting, expected) => {
    expect(errorFor(gcpHunting(hunting))).toMatch(expected);
  });
});
