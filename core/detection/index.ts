/**
 * `cloud-api-guardrails/detection`: the detection engine without any cloud SDK. Load a catalog (the
 * shipped detections/ or rules of your own) bound to a config, compile each rule to a target
 * (CloudWatch filter pattern, EventBridge pattern, KQL, Cloud Logging query), and evaluate events with
 * the same rules (`CatalogRule.matches`, the reference every compiled target is tested against).
 */
// Config: rules are bound to it (placeholders such as the trusted networks).
export { loadConfigFile, parseConfigText, resolveConfigPath, CONFIG_ENV_VAR } from '../config/load.ts';
export { ConfigError } from '../config/config-error.ts';
export type { GuardrailsModel } from '../config/model.ts';
export type { GuardrailsConfigInput } from '../config/schema.ts';

// Load a catalog.
export { loadCatalog, bindRules, packagedRulesDir, type CatalogRule } from './catalog.ts';
export { loadRules, parseRule, loadSigmaRules, parseSigmaRule, parseSigmaDocuments, loadCorrelationFiles, type SkippedRule } from './rule-loader.ts';

// Correlations (Sigma correlation rules): loaded beside the rules, evaluated over base-rule matches in time.
export { loadCatalogWithCorrelations, bindCatalog, compileCorrelation, compileCorrelationForDeployment, type Catalog } from './catalog.ts';
export {
  evaluateCorrelations,
  CorrelationStream,
  eventTime,
  parseCorrelationFile,
  parseSigmaCorrelation,
  type Correlation,
  type CorrelationDocument,
  type CorrelationMatch,
  type TimedMatch,
  type WindowKind,
} from './correlation.ts';

// Bring your own Sigma rules: a folder in bulk mode, through processing pipelines onto the log sources.
export { loadRuleFolder, type RuleFolder, type SkippedFile, type RuleNote } from './rule-folder.ts';
export { sigmaToRule, type SigmaRule, type SigmaMetadata } from './sigma-rule.ts';
export { loadPipelines, applyPipelines, parsePipeline, packagedPipelinesDir, type Pipeline } from './pipeline.ts';
export { LOG_SOURCES, logSource, type LogSource } from './logsources/registry.ts';
export { normalizeAttackTags } from '../attack/normalize-tags.ts';
export { RuleError } from './rule-error.ts';
export { PRODUCTS, TARGETS, LEVELS, type Rule, type Product, type Target } from './rule.ts';

// Compile to each target.
export { compileRule, compileForDeployment, TARGETS_FOR_PRODUCT, type CompiledQuery } from './catalog.ts';
export { CompileError } from './compilers/compile-error.ts';

// Evaluate events.
export { detectSource, type SourcedEvent } from './logsources/detect-source.ts';
export { indexRules, type RuleIndex } from './rule-index.ts';
export { listInputFiles, readEvents, type InputEvent, type InputProblem, type Malformed } from './input/read-events.ts';
export type { Predicate } from './evaluator.ts';
export type { Expr } from './expr.ts';
export { runDetect, detectExitCode, type DetectOptions, type DetectSummary } from '../cli/detect.ts';
