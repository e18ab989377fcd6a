/**
 * What protects aws.hunting's resources, as the synth output and the plan report say it
 * (core/aws/protection-summary.ts): every SCP statement named there is one the perimeter plan really creates,
 * the single-account layout claims no SCP (SCPs never apply to the management account), and nothing is listed
 * when hunting is off.
 */
import { describe, expect, it } from 'vitest';
import { planPerimeter } from '../../../core/aws/perimeter-plan.ts';
import { protectionSummary } from '../../../core/aws/protection-summary.ts';
import { exampleModel } from '../../helpers/config.ts';

const withHunting = exampleModel((c) => {
  c.aws.hunting = { enabled: true };
});
const hunting = (rows: ReturnType<typeof protectionSummary>) => rows.filter((r) => /hunting|Athena workgroup/.test(r.resource));

describe('protection summary of the hunting resources', () => {
  it('lists the Glue table, the workgroup and the results bucket in the log-archive account', () => {
    const rows = hunting(protectionSummary(withHunting.aws!));
    expect(rows.map((r) => [r.resource, r.account])).toEqual([
      ['hunting Glue database guardrails_hunting and table cloudtrail', 'log-archive'],
      ['Athena workgroup guardrails-hunting', 'log-archive'],
      [expect.stringMatching(/^hunting results bucket \S+-hunting and its key$/), 'log-archive'],
    ]);
  });

  it('names only SCP statements the perimeter plan creates', async () => {
    const plan = await planPerimeter(withHunting);
    const sids = new Set(plan.policies.flatMap((p) => p.document.Statement.map((s) => s.Sid)));
    const named = hunting(protectionSummary(withHunting.aws!))
      .flatMap((r) => r.protections)
      .flatMap((text) => [...text.matchAll(/\b(Protect[A-Za-z]+)\b/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThanOrEqual(4);
    for (const sid of named) expect(sids, sid).toContain(sid);
  });

  it('claims no SCP in the single-account layout, where the resources are in the management account', () => {
    const single = exampleModel((c) => {
      c.aws.hunting = { enabled: true };
      delete c.aws.logArchiveAccountId;
      delete c.aws.securityAccountId;
    });
    const rows = hunting(protectionSummary(single.aws!));
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.account).toBe('management');
      expect(r.protections[0]).toBe('no SCP: SCPs never apply to the management account');
    }
  });

  it('lists nothing for hunting when it is off', () => {
    expect(hunting(protectionSummary(exampleModel().aws!))).toEqual([]);
  });
});
