/** The LLM layer (engine/llm/README.md): the client, tool definitions and parsing, usage and cost. */
export {
  createLlmClient,
  parseRetryAfter,
  backoffMs,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type LlmClient,
  type LlmClientOptions,
  type LlmProvider,
  type LlmError,
  type LlmErrorKind,
  type LlmResult,
  type ChatRequest,
  type ChatReply,
  type CallContext,
  type RetryPolicy,
} from './client';
export {
  toOpenAITools,
  validateToolCall,
  parseSingleToolCall,
  parseJsonModeAnswer,
  jsonModeInstructions,
  type ToolSpec,
  type ToolSet,
  type RawToolCall,
  type ParsedToolCall,
  type ToolCallResult,
} from './tools';
export { extractUsage, type CallUsage, type ModelPrice, type PriceTable } from './usage';
