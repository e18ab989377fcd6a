/**
 * The ATT&CK Enterprise techniques our rules are tagged with, in ATT&CK v19 ids, and what ATT&CK lists against
 * T1059.009. Names are ATT&CK's own (https://attack.mitre.org/techniques/<ID>/) except where marked; a test keeps
 * this table complete for every technique tag in the catalog, so a new tag fails until it is named here. What v19
 * renumbered, and its sources, is in v19-renumbering.ts (re-exported here as V18_TO_V19_TECHNIQUES).
 */
export { ATTACK_VERSION, V18_TO_V19_TECHNIQUES } from './v19-renumbering.ts';

export const TECHNIQUES: Readonly<Record<string, string>> = {
  'T1021.004': 'Remote Services: SSH',
  'T1021.007': 'Remote Services: Cloud Services',
  T1048: 'Exfiltration Over Alternative Protocol',
  T1059: 'Command and Scripting Interpreter',
  'T1059.009': 'Command and Scripting Interpreter: Cloud API',
  'T1078.004': 'Valid Accounts: Cloud Accounts',
  'T1087.004': 'Account Discovery: Cloud Account',
  T1098: 'Account Manipulation',
  'T1098.001': 'Account Manipulation: Additional Cloud Credentials',
  'T1098.003': 'Account Manipulation: Additional Cloud Roles',
  'T1098.004': 'Account Manipulation: SSH Authorized Keys',
  T1110: 'Brute Force',
  'T1110.003': 'Brute Force: Password Spraying',
  // https://attack.mitre.org/techniques/T1133/ (Bastion shareable links) and
  // https://attack.mitre.org/techniques/T1136/003/ (guest users), added for issue 14's Azure rules.
  T1133: 'External Remote Services',
  'T1136.003': 'Create Account: Cloud Account',
  T1484: 'Domain or Tenant Policy Modification',
  'T1484.002': 'Domain or Tenant Policy Modification: Trust Modification',
  T1485: 'Data Destruction',
  // https://attack.mitre.org/techniques/T1496/001/ (sub-technique of T1496 Resource Hijacking, https://attack.mitre.org/techniques/T1496/).
  'T1496.001': 'Resource Hijacking: Compute Hijacking',
  T1528: 'Steal Application Access Token',
  T1530: 'Data from Cloud Storage',
  T1537: 'Transfer Data to Cloud Account',
  'T1548.005': 'Abuse Elevation Control Mechanism: Temporary Elevated Cloud Access',
  'T1550.001': 'Use Alternate Authentication Material: Application Access Token',
  T1552: 'Unsecured Credentials',
  'T1552.005': 'Unsecured Credentials: Cloud Instance Metadata API',
  'T1555.006': 'Credentials from Password Stores: Cloud Secrets Management Stores',
  'T1556.009': 'Modify Authentication Process: Conditional Access Policies',
  // v18 ids and names: their v19 successors are in no source this kit could cite yet (v19-renumbering.ts).
  T1562: 'Impair Defenses',
  'T1562.001': 'Impair Defenses: Disable or Modify Tools',
  'T1562.007': 'Impair Defenses: Disable or Modify Cloud Firewall',
  T1567: 'Exfiltration Over Web Service',
  T1578: 'Modify Cloud Compute Infrastructure',
  T1580: 'Cloud Infrastructure Discovery',
  T1648: 'Serverless Execution',
  T1651: 'Cloud Administration Command',
  T1666: 'Modify Cloud Resource Hierarchy',
  // v18 T1562.008 (issue 13). The name is as third-party write-ups of v19 give it; MITRE's page for it was not
  // in the material searched.
  'T1685.002': 'Disable or Modify Tools: Disable or Modify Cloud Log',
};

/** The technique this kit exists for. */
export const CLOUD_API = 'T1059.009';

/**
 * What ATT&CK lists for T1059.009 (https://attack.mitre.org/techniques/T1059/009/): two mitigations and
 * the data source whose component sees it.
 */
export const CLOUD_API_MITIGATIONS = [
  { id: 'M1026', name: 'Privileged Account Management', attack: 'Least privilege for API access; limit who may use the cloud APIs, and from where.' },
  { id: 'M1038', name: 'Execution Prevention', attack: 'Prevent or restrict the interpreters (cloud shells, CLIs) attackers use.' },
] as const;
export const CLOUD_API_DATA_SOURCE = {
  id: 'DS0017',
  name: 'Command: Command Execution',
  attack: 'Audit logs of cloud API calls: who ran which command, from where.',
} as const;

/** `attack.t1059.009` -> `T1059.009`; tactic tags (`attack.execution`) and other tags -> undefined. */
export function techniqueOfTag(tag: string): string | undefined {
  const match = /^attack\.(t\d{4}(?:\.\d{3})?)$/.exec(tag);
  return match ? match[1]!.toUpperCase() : undefined;
}
