using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>A stage's loop, as the pipeline runs it.</summary>
public delegate Task StageLoop(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken);

/// <summary>One stage of a chain and the bounded channel that feeds it.</summary>
/// <param name="Name">For logs and errors.</param>
/// <param name="Run">The stage's <c>RunAsync</c>.</param>
/// <param name="InputCapacity">Frames its input channel holds before the writer waits (every link waits: nothing is dropped).</param>
public sealed record StageLink(string Name, StageLoop Run, int InputCapacity);
