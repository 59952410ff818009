namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

/// <summary>A clock stopped at one instant, so time answers can be asserted exactly.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset utcNow) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => utcNow;
}
