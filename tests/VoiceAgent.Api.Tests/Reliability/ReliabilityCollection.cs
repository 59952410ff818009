namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// The reliability tests load the machine and measure process-wide numbers (memory, file descriptors), so they run one
/// at a time and after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}
