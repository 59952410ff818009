using System.Threading.Channels;

namespace VoiceAgent.Pipeline.Frames;

/// <summary>
/// The loop every stage runs: each input frame to the stage's handler until the input ends; then the output is
/// completed, carrying the failure if the stage failed. The end of the session (its token cancelled) is not a failure.
/// </summary>
public static class FrameLoop
{
    /// <param name="beforeComplete">Runs after the last frame and before the output is completed (it may still write).</param>
    public static async Task RunAsync(
        ChannelReader<Frame> input,
        ChannelWriter<Frame> output,
        Func<Frame, ValueTask> handle,
        CancellationToken cancellationToken,
        Func<ValueTask>? beforeComplete = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(handle);
        Exception? failure = null;
        try
        {
            await foreach (var frame in input.ReadAllAsync(cancellationToken))
            {
                await handle(frame);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            if (beforeComplete is not null)
            {
                await beforeComplete();
            }

            output.TryComplete(failure);
        }
    }
}
