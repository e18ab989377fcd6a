import { describe, expect, it } from 'vitest';
import { checkKql } from '../../../../core/detection/targets/kql-check.ts';
import { KQL_TABLES } from '../../../../core/detection/targets/kql-tables.ts';

const codes = (query: string): string[] => checkKql(query).map((d) => d.code);

describe('checkKql accepts conforming queries', () => {
  it.each([
    'SigninLogs | where AppId in~ ("04b07795-8ddb-461a-bbee-02f9e1bf7b46") and not(ipv4_is_in_any_range(IPAddress, dynamic(["203.0.113.0/24"])))',
    'SigninLogs | where ipv6_is_in_any_range(IPAddress, dynamic(["2001:db8::/32"]))',
    'SigninLogs | where tostring(LocationDetails.countryOrRegion) !in ("NL", "BE") and tostring(DeviceDetail.isCompliant) != "true"',
    'SigninLogs | where UserAgent has_any ("python-requests", "Go-http-client") or UserAgent startswith_cs "azsdk-"',
    'SigninLogs | where UserAgent matches regex @"^Mozilla/5\\.0 .*PowerShell/7" and isnotempty(UserPrincipalName)',
    'SigninLogs | where AuthenticationProtocol == "deviceCode" and ResultType == "0" | summarize count() by bin(TimeGenerated, 5m), AppDisplayName',
    'AADNonInteractiveUserSignInLogs | where tostring(parse_json(LocationDetails).countryOrRegion) == "US"',
    'AADServicePrincipalSignInLogs | where ServicePrincipalId == "x" and not(ipv4_is_in_any_range(IPAddress, "10.0.0.0/8", "192.168.0.0/16"))',
    'AADManagedIdentitySignInLogs | where ResourceIdentity == "797f4846-ba00-4fd7-ba43-dac1f8f63013"',
    'AzureActivity | where OperationNameValue =~ "MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE" and ActivityStatusValue == "Success"',
    'AzureActivity | where tostring(Claims_d.appid) == "2233b157-f44d-4812-b777-036cdaf9a96e" | project TimeGenerated, Caller, CallerIpAddress, Properties_d',
    'AuditLogs | where OperationName has "conditional access policy" | extend actor = tostring(InitiatedBy.user.userPrincipalName)',
    'AuditLogs | where LoggedByService == "Conditional Access" and Result == "success" | mv-expand TargetResources',
    'MicrosoftGraphActivityLogs | where UserAgent startswith "python-requests" and ResponseStatusCode between (200 .. 299)',
    'MicrosoftGraphActivityLogs | where RequestMethod == "GET" and RequestUri contains "/users" | summarize n = count() by AppId, bin(TimeGenerated, 1h)',
    'union SigninLogs, AADNonInteractiveUserSignInLogs | where TimeGenerated > ago(1d) and AppId == "1950a258-227b-4e31-a9cf-717495945fc2"',
  ])('%s', (query) => {
    expect(checkKql(query)).toEqual([]);
  });

  it.each(Object.entries(KQL_TABLES))('binds every declared column of %s', (table, columns) => {
    expect(checkKql(`${table} | project ${Object.keys(columns).join(', ')}`)).toEqual([]);
  });
});

describe('checkKql reports non-conforming queries', () => {
  it('an unknown column, with its position', () => {
    const query = 'SigninLogs | where NoSuchColumn == 1';
    const [diagnostic, ...rest] = checkKql(query);
    expect(rest).toEqual([]);
    expect(diagnostic).toMatchObject({ code: 'KS142', severity: 'Error' });
    expect(diagnostic?.message).toContain("'NoSuchColumn'");
    expect(query.slice(diagnostic?.start, (diagnostic?.start ?? 0) + (diagnostic?.length ?? 0))).toBe('NoSuchColumn');
  });

  it('an unknown table', () => {
    expect(codes('SignInLog | take 1')).toEqual(['KS204']);
  });

  it('a column the reference does not list for that table', () => {
    expect(codes('SigninLogs | where TenantId == "x"')).toEqual(['KS142']);
    expect(codes('AzureActivity | where UserAgent has "python"')).toEqual(['KS142']);
  });

  it('a property read on a JSON string column (non-interactive sign-ins need parse_json)', () => {
    expect(codes('AADNonInteractiveUserSignInLogs | where tostring(LocationDetails.countryOrRegion) == "US"')).toEqual(['KS142']);
  });

  it('a syntax error', () => {
    expect(codes('SigninLogs | where ')).toEqual(['KS006']);
    expect(checkKql('SigninLogs | where AppId in~ ("a"').length).toBeGreaterThan(0);
  });

  it('type errors: ordering a datetime or int against a string, a non-boolean filter, bad arguments', () => {
    expect(codes('SigninLogs | where TimeGenerated > "2024-01-01"')).toEqual(['KS106']);
    expect(codes('MicrosoftGraphActivityLogs | where ResponseStatusCode >= "400"')).toEqual(['KS106']);
    expect(codes('SigninLogs | where AppId')).toEqual(['KS141']);
    expect(codes('SigninLogs | where ipv4_is_in_any_range(IPAddress, 5)')).toEqual(['KS127']);
  });

  it('an unknown function', () => {
    expect(codes('SigninLogs | where ipv4_in_any_range(IPAddress, "10.0.0.0/8")')).toEqual(['KS211']);
  });
});
