import { describe, expect, it } from 'vitest';
import { PLAN_CLOUDS } from '../../../core/cli/plan.ts';
import { PRODUCTS, TARGETS } from '../../../core/detection/rule.ts';
import { COMMAND_HELP } from '../../../core/cli/help.ts';

describe('guardrails help', () => {
  it('names the clouds and targets the commands accept', () => {
    // The help text is written by hand; this keeps it in step with the lists the parser checks against.
    for (const p of PRODUCTS) expect(COMMAND_HELP.detect).toContain(p);
    for (const t of TARGETS) expect(COMMAND_HELP.rules).toContain(t);
    expect(COMMAND_HELP.plan).toContain(`--cloud ${PLAN_CLOUDS.join('|')}|all`);
  });
});
