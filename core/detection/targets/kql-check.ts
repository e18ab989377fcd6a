/**
 * KQL conformance check: parses and binds a query with Kusto.Language, Microsoft's own KQL front end
 * (the one behind the Azure Data Explorer and Log Analytics editors), against the declared schemas in
 * kql-tables.ts. An unknown table or column, a wrong function or operand type, or a syntax error comes
 * back as a diagnostic, so every query the detection compiler emits is proven before it is deployed.
 */
import { createRequire } from 'node:module';
import { KQL_TABLES } from './kql-tables.ts';

export interface KqlDiagnostic {
  readonly message: string;
  /** Offset in the query text (UTF-16 code units, like JS string indices). */
  readonly start: number;
  readonly length: number;
  /** Kusto's DiagnosticSeverity: 'Error' for anything that would fail; also 'Warning', 'Suggestion'. */
  readonly severity: string;
  /** Kusto's diagnostic code, e.g. KS142 unknown name, KS006 missing expression. */
  readonly code: string;
}

// The package is a Bridge.NET translation of the C# library and ships only a declaration file of
// global namespaces covering all of .NET; we type just the members we call instead of pulling that
// into the whole program.
interface BridgeRuntime {
  toArray<T>(list: unknown): T[];
}
interface KustoSymbol {
  readonly Name: string;
}
interface GlobalState {
  WithDatabase(database: KustoSymbol): GlobalState;
}
interface Diagnostic {
  readonly Message: string;
  readonly Start: number;
  readonly Length: number;
  readonly Severity: string;
  readonly Code: string;
}
interface KustoLanguage {
  readonly GlobalState: { readonly Default: GlobalState };
  readonly KustoCode: { ParseAndAnalyze(text: string, globals: GlobalState): { GetDiagnostics(): unknown } };
  readonly Symbols: {
    /** `schema` is Kusto's own notation: `(Name:type, ...)`. */
    readonly TableSymbol: {
      readonly $ctor7: new (name: string, schema: string, description: string | null) => KustoSymbol;
    };
    readonly DatabaseSymbol: { readonly ctor: new (name: string, members: KustoSymbol[]) => KustoSymbol };
  };
}

interface Analyzer {
  readonly bridge: BridgeRuntime;
  readonly kusto: KustoLanguage;
  readonly globals: GlobalState;
}

let analyzer: Analyzer | undefined;

/**
 * Loads the library and builds the schema-aware global state once. Lazy because loading costs ~0.2 s
 * and the first analysis ~0.7 s (Kusto builds its function catalogue); later checks take milliseconds.
 */
function getAnalyzer(): Analyzer {
  if (analyzer) return analyzer;
  const require = createRequire(import.meta.url);
  // Script-style CommonJS: the runtime exports Bridge and, like the library, installs Bridge, System
  // and Kusto on globalThis. The runtime must load first; the .min builds load fastest.
  const bridge = require('@kusto/language-service-next/bridge.min.js') as BridgeRuntime;
  require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
  const kusto = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;

  const tables = Object.entries(KQL_TABLES).map(([name, columns]) => {
    const schema = `(${Object.entries(columns)
      .map(([column, type]) => `${column}:${type}`)
      .join(', ')})`;
    return new kusto.Symbols.TableSymbol.$ctor7(name, schema, null);
  });
  const database = new kusto.Symbols.DatabaseSymbol.ctor('LogAnalytics', tables);
  analyzer = { bridge, kusto, globals: kusto.GlobalState.Default.WithDatabase(database) };
  return analyzer;
}

/** Parses and binds `query` against the declared tables; an empty array means it conforms. */
export function checkKql(query: string): KqlDiagnostic[] {
  const { bridge, kusto, globals } = getAnalyzer();
  const code = kusto.KustoCode.ParseAndAnalyze(query, globals);
  return bridge.toArray<Diagnostic>(code.GetDiagnostics()).map((d) => ({
    message: d.Message,
    start: d.Start,
    length: d.Length,
    severity: d.Severity,
    code: d.Code,
  }));
}
