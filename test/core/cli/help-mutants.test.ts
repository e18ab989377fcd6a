/** core/cli/help.ts's overview: the page `guardrails` and `guardrails --help` print. */
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, overview } from '../../../core/cli/help.ts';

describe('overview', () => {
  it('names the version, the usage forms, every command with what it does, and ends with the exit codes', () => {
    const text = overview('9.8.7');
    const lines = text.split('\n');
    expect(lines[0]).toBe('guardrails 9.8.7: guardrails against MITRE ATT&CK T1059.009 (Cloud API) for AWS, Azure and GCP');
    expect(lines.slice(2, 5)).toEqual(['usage: guardrails <command> [options]', '       guardrails <command> --help', '       guardrails --version']);
    expect(lines).toContain('  validate   check the config and the rules; writes nothing');
    expect(lines).toContain('  rules      print the compiled queries per target');
    expect(text.endsWith(`\n\n${EXIT_CODES}`)).toBe(true);
  });
});
