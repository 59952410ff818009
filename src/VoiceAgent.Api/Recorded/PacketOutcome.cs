// The status and its outcome are one small closed set; they read best together.
#pragma warning disable SA1402, SA1649
namespace VoiceAgent.Api.Recorded;

/// <summary>What became of a packet.</summary>
public enum PacketStatus
{
    Accepted,
    Duplicate,
    Rejected,
}

/// <summary>A packet's status, and the error when it was rejected.</summary>
public sealed record PacketOutcome(PacketStatus Status, RecordedError? Error = null)
{
    public static PacketOutcome Accepted { get; } = new(PacketStatus.Accepted);

    public static PacketOutcome Duplicate { get; } = new(PacketStatus.Duplicate);
}
