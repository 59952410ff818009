using System.Runtime.InteropServices;
using System.Text;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>The body of an eSpeak worker process: speaks each request read from its input as frames on its output, until the input ends.</summary>
/// <remarks>
/// A process holds exactly one eSpeak NG synthesiser (its state is C globals), so running several of these processes is the
/// only way to synthesise in parallel. See <see cref="EspeakWorkerProtocol"/> for the frames.
/// </remarks>
public static class EspeakWorkerLoop
{
    /// <summary>Returns 0 when the service closes <paramref name="input"/>; a broken pipe or a missing eSpeak NG throws.</summary>
    public static async Task<int> RunAsync(Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var engine = EspeakEngine.GetShared();
        EspeakWorkerProtocol.WriteInt32s(output, EspeakWorkerProtocol.Ready, engine.SampleRate);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);

        while (await EspeakWorkerProtocol.ReadRequestAsync(input, cancellationToken).ConfigureAwait(false) is { } speech)
        {
            try
            {
                await engine.SpeakAsync(speech, new FrameSink(output, cancellationToken), null, cancellationToken).ConfigureAwait(false);
                EspeakWorkerProtocol.WriteFrame(output, EspeakWorkerProtocol.End, []);
            }
            catch (InvalidOperationException ex)
            {
                // eSpeak refused this request (an unknown voice file, an error code): the service gets the message, the worker stays.
                EspeakWorkerProtocol.WriteFrame(output, EspeakWorkerProtocol.Failed, Encoding.UTF8.GetBytes(ex.Message));
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Writes eSpeak's events and audio as frames from inside its callback, flushing audio so it streams.</summary>
    private sealed class FrameSink(Stream output, CancellationToken cancellationToken) : EspeakSink(cancellationToken)
    {
        protected override void OnWord(EspeakWordEvent word) =>
            EspeakWorkerProtocol.WriteInt32s(output, EspeakWorkerProtocol.Word, word.TextPosition, word.Length, word.Sample);

        protected override void OnAudio(ReadOnlySpan<short> samples)
        {
            EspeakWorkerProtocol.WriteFrame(output, EspeakWorkerProtocol.Audio, MemoryMarshal.AsBytes(samples));
            output.Flush();
        }
    }
}
