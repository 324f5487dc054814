// Model clients: one interface for real providers (Anthropic, OpenAI, Google, OpenAI-compatible),
// simulated models calibrated on the paper, and replayed cassettes; accounting and budgets.
export type {
  AttemptContent,
  AttemptOutcome,
  AttemptReport,
  InvalidToolCall,
  ModelCallOptions,
  ModelClient,
  ModelMessage,
  ModelPurpose,
  ModelRequest,
  ModelRequestMetadata,
  ModelResponse,
  ModelUsage,
  StopReason,
  ToolCall,
  ToolDefinition,
} from './model-types.js';
export { ModelError, isModelError, type ModelErrorCode } from './model-error.js';
export {
  DEFAULT_MODEL_ID,
  MODEL_PROVIDERS,
  parseModelId,
  type ModelProvider,
  type ModelSpec,
} from './model-id.js';
export type { ModelClientOptions } from './model-client-options.js';
export {
  API_KEY_VARIABLES,
  OPENAI_COMPATIBLE_KEY_VARIABLE,
  checkModelCredentials,
  createModelClient,
} from './create-model-client.js';
export {
  assistantMessageOf,
  invalidToolCallMessages,
  teamToolDefinitions,
  validateToolCalls,
  type RawToolCall,
} from './team-tools.js';
export { estimateInputTokens } from './call-pipeline.js';
export {
  DEFAULT_PRICES,
  createPriceTable,
  type ModelPrice,
  type PriceTable,
} from './price-table.js';
export {
  createUsageLedger,
  type BudgetExceeded,
  type CallUsageRecord,
  type UsageBudget,
  type UsageLedger,
  type UsageLedgerOptions,
  type UsageReservation,
  type UsageSummary,
  type UsageTotals,
} from './usage-ledger.js';
export type { SimCallInfo, SimFault, SimOptions, SimOracle } from './sim/sim-options.js';
export { withModelFaults, type ModelFaultHook } from './fault-backend.js';
export {
  PAPER_CALIBRATION_FILE,
  simModelNames,
  simProfile,
  type SimProfile,
} from './sim/sim-calibration.js';
export {
  CASSETTE_VERSION,
  parseCassette,
  requestDigest,
  type CassetteRecord,
} from './replay/cassette.js';
export { createCassetteRecorder, type CassetteRecorder } from './replay/cassette-recorder.js';
export {
  hasUsageLimits,
  parseRateLimit,
  usageLimitsSchema,
  type LimitPermit,
  type LimitRequest,
  type ModelLimiter,
  type RateLimit,
  type UsageLimits,
} from './limits/usage-limits.js';
export {
  createKvUsageLimiter,
  type KvUsageLimiter,
  type KvUsageLimiterOptions,
} from './limits/kv-usage-limiter.js';
export { genAiContentOf } from './genai-content.js';
