using System.Threading.Channels;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Pipeline.Vad;
using VoiceAgent.Providers.Embedded.Silero;
using VoiceAgent.Providers.Embedded.WebRtcVad;
using Xunit.Abstractions;

namespace VoiceAgent.Providers.Tests.Embedded.WebRtcVad;

/// <summary>
/// The turn boundaries the pipeline acts on, with the real WebRTC VAD (30 ms frames) or Silero VAD (its 32 ms windows): the start of a turn and the end of speech it
/// reports are within ±100 ms of the speech's true edges. The detector alone overshoots the end by its ~90 ms hangover;
/// the VAD stage's energy end gate takes that back.
/// </summary>
public sealed class VadStageBoundaryTests(ITestOutputHelper log)
{
    private const int Rate = 16_000;
    private const double ToleranceMs = 100;

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog.", "slt", "WebRtc")]
    [InlineData("Please turn on the kitchen lights.", "rms", "WebRtc")]
    [InlineData("What is the weather like tomorrow?", "awb", "WebRtc")]
    [InlineData("The quick brown fox jumps over the lazy dog.", "slt", "Silero")]
    [InlineData("Please turn on the kitchen lights.", "rms", "Silero")]
    [InlineData("What is the weather like tomorrow?", "awb", "Silero")]
    public async Task Turn_start_and_end_of_speech_are_within_100_ms_of_the_true_edges(string text, string voice, string engine)
    {
        var speech = TestSpeech.Flite(text, voice, Rate);
        var signal = new short[Rate + speech.Length + (2 * Rate)];
        speech.CopyTo(signal, Rate);
        var (trueStartMs, trueEndMs) = SignalEnergy.SpeechEdgesMs(signal, Rate);

        var options = new VadEndpointerOptions();
        using var turns = new TurnManager(CancellationToken.None);
        IVoiceActivityDetectorFactory detectors = engine == "Silero"
            ? new SileroVadFactory(Options.Create(new SileroVadOptions()))
            : new WebRtcVadFactory(Options.Create(new WebRtcVadOptions()));
        var stage = new VadStage(detectors, new LinearResamplerFactory(), options, turns, new TurnTimeline());
        var input = Channel.CreateUnbounded<Frame>();
        var output = Channel.CreateUnbounded<Frame>();
        var bytes = Pcm16.ToBytes(signal);
        for (var off = 0; off < bytes.Length; off += 3200)
        {
            input.Writer.TryWrite(new InputAudioFrame(new AudioChunk(bytes.AsMemory(off, Math.Min(3200, bytes.Length - off)).ToArray(), AudioFormat.Pcm16Mono16k)));
        }

        input.Writer.TryWrite(new EndOfInputFrame());
        input.Writer.Complete();
        await stage.RunAsync(input.Reader, output.Writer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var frames = new List<Frame>();
        await foreach (var f in output.Reader.ReadAllAsync())
        {
            frames.Add(f);
        }

        var started = frames.OfType<UserSpeechStartedFrame>().ShouldHaveSingleItem();
        var ended = frames.OfType<UserSpeechEndedFrame>().ShouldHaveSingleItem();

        // A turn starts once MinSpeechMs of speech was heard: the speech began that long before the start was reported.
        var frameMs = engine == "Silero" ? SileroVoiceActivityDetector.WindowMs : options.FrameMs;
        var startMs = started.StreamTime.TotalMilliseconds - (Math.Ceiling((double)options.MinSpeechMs / frameMs) * frameMs);
        var endMs = ended.StreamTime.TotalMilliseconds;
        log.WriteLine($"{engine} {voice}: energy edges {trueStartMs}–{trueEndMs} ms, turn {startMs}–{endMs} ms");
        startMs.ShouldBeInRange(trueStartMs - ToleranceMs, trueStartMs + ToleranceMs);
        endMs.ShouldBeInRange(trueEndMs - ToleranceMs, trueEndMs + ToleranceMs);
    }
}
