using System.Buffers;
using System.Runtime.InteropServices;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Soxr;

/// <summary>A streaming PCM16 mono resampler on libsoxr (high quality, no dither, so any chunking gives the same samples).</summary>
public sealed class SoxrResampler : IResampler
{
    // The least room asked of the output writer per call to soxr: it emits in bursts of its filter's block, so a chunk's
    // share by rate alone can be too little; soxr is simply called again while it fills what it was given.
    private const int MinimumOutputSamples = 1024;

    private readonly SoxrHandle? _handle; // null when the rates are equal: samples pass through untouched
    private bool _flushed;

    public SoxrResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        if (inputRate == outputRate)
        {
            return;
        }

        var io = NativeMethods.soxr_io_spec(NativeMethods.SOXR_INT16_I, NativeMethods.SOXR_INT16_I);
        io.Flags = new CULong((nuint)(io.Flags.Value | (nuint)NativeMethods.SOXR_NO_DITHER));
        var quality = NativeMethods.soxr_quality_spec(new CULong((nuint)NativeMethods.SOXR_HQ), new CULong(0));
        var handle = NativeMethods.soxr_create(inputRate, outputRate, 1, out var error, in io, in quality, 0);
        if (error != 0 || handle.IsInvalid)
        {
            handle.Dispose();
            throw new InvalidOperationException($"soxr_create({inputRate} → {outputRate} Hz) failed: {NativeMethods.ErrorText(error) ?? "no resampler returned"}.");
        }

        _handle = handle;
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    public unsafe void Process(ReadOnlySpan<short> input, IBufferWriter<short> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ThrowIfUnusable();

        // Required for correctness: `fixed` on an empty span yields NULL, which soxr reads as end of input;
        // feeding it more input after that crashed the test process.
        if (input.IsEmpty)
        {
            return;
        }

        if (_handle is null)
        {
            output.Write(input);
            return;
        }

        fixed (short* inputPtr = input)
        {
            var consumed = 0;
            bool full;
            do
            {
                // soxr buffers internally and emits in bursts; keep calling while input is left or the output span came back full.
                var room = output.GetSpan(Math.Max(MinimumOutputSamples, (int)((long)(input.Length - consumed) * OutputRate / InputRate) + 64));
                nuint produced;
                fixed (short* outputPtr = room)
                {
                    var error = NativeMethods.soxr_process(
                        _handle, inputPtr + consumed, (nuint)(input.Length - consumed), out var inputDone, outputPtr, (nuint)room.Length, out produced);
                    ThrowOnError(error);
                    consumed += (int)inputDone;
                }

                output.Advance((int)produced);
                full = produced == (nuint)room.Length;
            }
            while (consumed < input.Length || full);
        }
    }

    public unsafe void Flush(IBufferWriter<short> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ThrowIfUnusable();
        _flushed = true;
        if (_handle is null)
        {
            return;
        }

        nuint produced;
        do
        {
            var room = output.GetSpan(MinimumOutputSamples);
            fixed (short* outputPtr = room)
            {
                // in = NULL tells soxr the stream has ended; it drains the filter's tail until it returns nothing.
                var error = NativeMethods.soxr_process(_handle, null, 0, out _, outputPtr, (nuint)room.Length, out produced);
                ThrowOnError(error);
            }

            output.Advance((int)produced);
        }
        while (produced != 0);
    }

    public void Dispose() => _handle?.Dispose();

    private static void ThrowOnError(nint error)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"soxr_process failed: {NativeMethods.ErrorText(error)}.");
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_handle is { IsClosed: true }, this);
        if (_flushed)
        {
            throw new InvalidOperationException("The resampler was flushed; create a new one for a new stream.");
        }
    }
}
