using System.Text.Json;

namespace VoiceAgent.Api.Recorded;

/// <summary>Something wrong with what a client sent, as an <c>error</c> event: message, kind, and the packet it concerns.</summary>
public sealed record RecordedError(string Message, string Code, int? Seq = null, string? Type = null, IReadOnlyList<int>? Missing = null)
{
    public byte[] ToEvent() => RecordedEvents.Error(Message, Code, WriteFields);

    private void WriteFields(Utf8JsonWriter w)
    {
        if (Seq is { } seq)
        {
            w.WriteNumber("seq", seq);
        }

        if (Type is not null)
        {
            w.WriteString("type", Type);
        }

        if (Missing is not null)
        {
            w.WriteStartArray("missing");
            foreach (var m in Missing)
            {
                w.WriteNumberValue(m);
            }

            w.WriteEndArray();
        }
    }
}
