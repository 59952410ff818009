namespace VoiceAgent.Pipeline.Llm;

/// <summary>What the LLM stage needs to offer tools: the catalog, the turn behaviour around calls, and whether the reply is spoken (fillers).</summary>
public sealed record LlmTools(IToolCatalog Catalog, ToolsOptions Options, TimeProvider Time, bool Speaks);
