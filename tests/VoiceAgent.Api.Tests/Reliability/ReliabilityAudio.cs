using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>The spoken question the reliability tests ask (flite), made once per test run.</summary>
public static class ReliabilityAudio
{
    private static readonly Lazy<byte[]> LazyQuestion = new(() => TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1200));

    /// <summary>"What is twelve times seven", then 1.2 s of silence so the turn ends.</summary>
    public static byte[] Question => LazyQuestion.Value;
}
