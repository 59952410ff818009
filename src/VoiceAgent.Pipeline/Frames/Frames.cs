using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Pipeline.Turns;

// The frame family is one closed set, like a discriminated union; it reads best in one file.
#pragma warning disable SA1402, SA1649
namespace VoiceAgent.Pipeline.Frames;

/// <summary>The unit of data and control that flows between stages. A stage passes frames it does not handle downstream unchanged.</summary>
public abstract record Frame;

/// <summary>A frame that belongs to one turn; once that turn is superseded the frame is stale and dropped.</summary>
public abstract record TurnFrame(TurnId Turn) : Frame;

/// <summary>Audio from the caller's microphone, in any format and chunk size.</summary>
public sealed record InputAudioFrame(AudioChunk Audio) : Frame
{
    private byte[]? _pooled;

    /// <summary>A frame whose audio is the start of an array rented from the shared pool; the stage that reads it returns it.</summary>
    public static InputAudioFrame Rented(byte[] rented, int length, AudioFormat format) =>
        new(new AudioChunk(rented.AsMemory(0, length), format)) { _pooled = rented };

    /// <summary>Gives a rented array back once its audio has been copied on (a no-op for audio that was not rented).</summary>
    public void ReturnToPool() => AudioPool.Return(ref _pooled);
}

/// <summary>No more input will come: finish the turn in progress, then end.</summary>
public sealed record EndOfInputFrame : Frame;

/// <summary>The VAD heard the user start speaking; a new turn begins.</summary>
public sealed record UserSpeechStartedFrame(TurnId Turn, TimeSpan StreamTime) : TurnFrame(Turn);

/// <summary>Audio of the user's turn (16 kHz PCM16 mono), pre-roll included.</summary>
public sealed record UserAudioFrame(TurnId Turn, ReadOnlyMemory<byte> Pcm) : TurnFrame(Turn)
{
    private byte[]? _pooled;

    /// <summary>A copy of <paramref name="pcm"/> in an array rented from the shared pool; the stage that reads it returns it.</summary>
    public static UserAudioFrame Rented(TurnId turn, ReadOnlySpan<byte> pcm)
    {
        var rented = AudioPool.Rent(pcm);
        return new UserAudioFrame(turn, rented.AsMemory(0, pcm.Length)) { _pooled = rented };
    }

    /// <summary>Gives a rented array back once its audio has been copied on (a no-op for audio that was not rented).</summary>
    public void ReturnToPool() => AudioPool.Return(ref _pooled);
}

/// <summary>The user stopped speaking; <paramref name="StreamTime"/> is the end of speech in input-audio time.</summary>
public sealed record UserSpeechEndedFrame(TurnId Turn, TimeSpan StreamTime) : TurnFrame(Turn);

/// <summary>What the user said: partial while speaking, final once per turn.</summary>
public sealed record TranscriptFrame(TurnId Turn, string Text, bool IsFinal) : TurnFrame(Turn)
{
    /// <summary>The recogniser's confidence in a final's words, 0–1, if it gives one (<see cref="Asr.SpeechToTextConfidence"/>).</summary>
    public double? Confidence { get; init; }
}

/// <summary>Ask the LLM to answer these messages (the HTTP endpoints' entry point; the voice call builds it from history).</summary>
public sealed record ChatRequestFrame(TurnId Turn, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options) : TurnFrame(Turn)
{
    /// <summary>Whom server-side tools act for; null: the request gets no server-side tools.</summary>
    public ToolScope? Tools { get; init; }
}

/// <summary>Speak this text as it is, without the LLM (greetings, assistant-role messages).</summary>
public sealed record SayFrame(TurnId Turn, string Text) : TurnFrame(Turn);

/// <summary>A piece of the reply's text as the LLM streams it.</summary>
public sealed record ReplyTextFrame(TurnId Turn, string Text) : TurnFrame(Turn)
{
    /// <summary>Speak what is held so far even if the sentence is unfinished: the reply pauses here (a tool call).</summary>
    public bool Flush { get; init; }
}

/// <summary>One sentence of the reply: <paramref name="Text"/> as written (with its leading whitespace, so transcripts concatenate to the reply), <paramref name="SpeakText"/> cleaned for the ear.</summary>
public sealed record SentenceFrame(TurnId Turn, string Text, string SpeakText) : TurnFrame(Turn);

/// <summary>A sentence is about to be heard: its text and its words, timed from the start of the reply's audio.</summary>
public sealed record SentenceAudioStartedFrame(TurnId Turn, string Text, IReadOnlyList<WordTiming> Words, TimeSpan ReplyOffset) : TurnFrame(Turn);

/// <summary>
/// More words of the sentence being heard, for engines that time words as their audio streams in (a remote TTS): each
/// is sent before the first audio chunk it starts in, timed like <see cref="SentenceAudioStartedFrame"/>'s words.
/// </summary>
public sealed record SentenceWordsFrame(TurnId Turn, IReadOnlyList<WordTiming> Words) : TurnFrame(Turn);

/// <summary>A chunk of the agent's speech at the output format, at most the configured chunk length.</summary>
public sealed record AgentAudioFrame(TurnId Turn, AudioChunk Audio) : TurnFrame(Turn);

/// <summary>The reply is complete. <paramref name="FinishReason"/> is stop, length or error; <paramref name="Error"/> says what failed.</summary>
public sealed record ReplyEndFrame(TurnId Turn, string FinishReason, PipelineError? Error = null, UsageDetails? Usage = null) : TurnFrame(Turn)
{
    /// <summary>Calls of the client's own tools (finish reason <c>tool_calls</c>): the client runs them, OpenAI style.</summary>
    public IReadOnlyList<FunctionCallContent>? ToolCalls { get; init; }

    /// <summary>The server-side tool calls and results of the reply, in order, for the conversation's history (none: empty).</summary>
    public IReadOnlyList<ChatMessage> ToolMessages { get; init; } = [];

    /// <summary>Said to the listener before the error is reported, when the reply failed; empty for none.</summary>
    public string? SpokenFailure { get; init; }
}

/// <summary>A server-side tool the LLM called: <paramref name="Status"/> is started, done or failed.</summary>
public sealed record ToolFrame(TurnId Turn, string Name, string Status) : TurnFrame(Turn)
{
    public const string Started = "started";

    public const string Done = "done";

    public const string Failed = "failed";
}

/// <summary>The agent ended the call (the <c>end_call</c> tool); it follows the reply's end, after the goodbye.</summary>
public sealed record EndCallFrame(TurnId Turn) : TurnFrame(Turn);

/// <summary>The user interrupted the agent: drop all agent audio of <paramref name="Turn"/> not yet played.</summary>
public sealed record InterruptFrame(TurnId Turn) : TurnFrame(Turn);

/// <summary>A failure that does not end the session (a bad engine answer, a recognition error).</summary>
public sealed record ErrorFrame(TurnId Turn, PipelineError Error) : TurnFrame(Turn);
