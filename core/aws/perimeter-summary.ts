/** Human-readable lines about a perimeter plan, for synth output and `guardrails plan`. */
import type { PerimeterPlan } from './perimeter-plan.ts';

export function describePerimeterPlan(plan: PerimeterPlan): string[] {
  const lines = plan.policies.map((p) =>
    p.mode === 'enforce'
      ? `SCP ${p.name}: ENFORCE, attached to ${plan.targets.join(', ')} (${p.controls.join(', ')}; ${p.size} characters)`
      : `SCP ${p.name}: REPORT, created but attached to nothing (${p.controls.join(', ')}; ${p.size} characters)`,
  );
  lines.push(...plan.notes.map((n) => `note: ${n.control}: ${n.note}`));
  lines.push('note: SCPs never apply to the management account; it is protected only by IAM, MFA and the alarms.');
  return lines;
}
