using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Llm;

/// <summary>The tools the agent may call in one turn: the configured ones a session allows, bound to that session.</summary>
public interface IToolCatalog
{
    /// <summary>Invocable tools for <paramref name="scope"/>; empty when none are configured or allowed.</summary>
    IReadOnlyList<AIFunction> ToolsFor(ToolScope scope);
}
