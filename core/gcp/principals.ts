/**
 * IAM member strings (user:, group:, serviceAccount:) in the principal form IAM deny policies require
 * (Google's "Principal identifiers" for IAM v2).
 */
export function denyPolicyPrincipal(member: string): string {
  const [kind, email] = [member.slice(0, member.indexOf(':')), member.slice(member.indexOf(':') + 1)];
  switch (kind) {
    case 'user':
      return `principal://goog/subject/${email}`;
    case 'group':
      return `principalSet://goog/group/${email}`;
    case 'serviceAccount':
      return `principal://iam.googleapis.com/projects/-/serviceAccounts/${email}`;
    default:
      throw new Error(`${member}: deny policies take user:, group: or serviceAccount: members`);
  }
}
