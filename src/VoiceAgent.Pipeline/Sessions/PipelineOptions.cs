using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Text;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>Everything that shapes a session's chain of stages (configuration section <c>VoiceAgent:Pipeline</c>).</summary>
public sealed class PipelineOptions
{
    public VadEndpointerOptions Vad { get; set; } = new();

    public InterruptionOptions Interruptions { get; set; } = new();

    public LlmStageOptions Llm { get; set; } = new();

    public SentenceSplitterOptions Splitter { get; set; } = new();

    public TtsStageOptions Output { get; set; } = new();
}
