using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;

namespace VoiceAgent.Pipeline.Text;

/// <summary>
/// Copies each piece of the reply's text to <paramref name="tap"/> as the LLM streams it, and passes every frame on.
/// For transports that show the text as it is written and also speak it (the splitter consumes the text frames).
/// The tap is bounded and waited on: a transport that does not read it slows the reply down rather than losing text.
/// </summary>
public sealed class ReplyTextTapStage(ChannelWriter<ReplyTextFrame> tap)
{
    public async Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Exception? failure = null;
        try
        {
            await foreach (var frame in input.ReadAllAsync(cancellationToken))
            {
                if (frame is ReplyTextFrame text)
                {
                    await tap.WriteAsync(text, cancellationToken);
                }

                await output.WriteAsync(frame, cancellationToken);
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
            tap.TryComplete();
            output.TryComplete(failure);
        }
    }
}
