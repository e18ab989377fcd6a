/**
 * Why a hunt could not start: the engine's SDK package is not installed, or its credential chain found
 * no credentials. `guardrails hunt` prints the message as one stderr line and exits 2.
 */
export class HuntSetupError extends Error {}

/** The SDKs are optional peer dependencies: each is imported when its engine runs. */
export async function loadSdk<T>(name: string, engine: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Only the package itself missing; a broken install of it is reported as it is.
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (error as Error).message.includes(`'${name}'`))
      throw new HuntSetupError(`install ${name} to use --engine ${engine}`);
    throw error;
  }
}

/**
 * The credential chains' "nothing found" errors, by their documented names and messages, as one line:
 * - AWS SDK v3: CredentialsProviderError "Could not load credentials from any providers" from the
 *   default provider chain (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-credentials-node.html);
 * - Google ADC: "Could not load the default credentials" (https://cloud.google.com/docs/authentication/application-default-credentials);
 * - Azure DefaultAzureCredential: CredentialUnavailableError, or AggregateAuthenticationError when every
 *   credential in the chain failed (https://learn.microsoft.com/javascript/api/@azure/identity/defaultazurecredential).
 */
export function missingCredentials(error: unknown): HuntSetupError | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError')
    return new HuntSetupError(
      `no AWS credentials (${error.message}): set AWS_PROFILE (after aws sso login), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where an instance or task role is available`,
    );
  if (/Could not load the default credentials/.test(error.message))
    return new HuntSetupError(
      'no Google credentials (Application Default Credentials): run gcloud auth application-default login, or set GOOGLE_APPLICATION_CREDENTIALS',
    );
  if (error.name === 'CredentialUnavailableError' || error.name === 'AggregateAuthenticationError')
    return new HuntSetupError(
      `no Azure credentials (DefaultAzureCredential: ${error.message.split('\n')[0]}): run az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a managed identity)`,
    );
  return undefined;
}
