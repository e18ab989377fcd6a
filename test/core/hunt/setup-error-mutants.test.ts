/**
 * Which errors stop a hunt as a setup error: a missing package (ESM ERR_MODULE_NOT_FOUND or CommonJS
 * MODULE_NOT_FOUND, https://nodejs.org/api/errors.html#module_not_found) naming the package itself,
 * and the credential chains' documented "nothing found" errors; anything else is left as it is.
 */
import { describe, expect, it } from 'vitest';
import { HuntSetupError, loadSdk, missingCredentials } from '../../../core/hunt/setup-error.ts';

const notFound = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('loadSdk', () => {
  it('names the package to install when require() (MODULE_NOT_FOUND) cannot find it', async () => {
    const error = await loadSdk('@google-cloud/bigquery', 'bigquery', () =>
      Promise.reject(notFound('MODULE_NOT_FOUND', "Cannot find module '@google-cloud/bigquery'")),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HuntSetupError);
    expect((error as Error).message).toBe('install @google-cloud/bigquery to use --engine bigquery');
  });

  it('rethrows as it is an error that is not a missing module', async () => {
    const broken = new SyntaxError("Unexpected token in '@google-cloud/bigquery'");
    await expect(loadSdk('@google-cloud/bigquery', 'bigquery', () => Promise.reject(broken))).rejects.toBe(broken);
  });
});

describe('missingCredentials', () => {
  it('recognizes only Error instances: a thrown non-Error, even shaped like a credentials error, is not one', () => {
    expect(missingCredentials(null)).toBeUndefined();
    expect(missingCredentials({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' })).toBeUndefined();
  });

  it('turns CredentialUnavailableError from DefaultAzureCredential into one line naming what to set', () => {
    const error = Object.assign(new Error('DefaultAzureCredential failed to retrieve a token.\nEnvironmentCredential is unavailable.'), {
      name: 'CredentialUnavailableError',
    });
    expect(missingCredentials(error)?.message).toBe(
      'no Azure credentials (DefaultAzureCredential: DefaultAzureCredential failed to retrieve a token.): run az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a managed identity)',
    );
  });
});
