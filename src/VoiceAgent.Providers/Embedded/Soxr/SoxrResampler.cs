using System.Runtime.InteropServices;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Soxr;

/// <summary>A streaming PCM16 mono resampler on libsoxr (high quality, no dither, so any chunking gives the same samples).</summary>
public sealed class SoxrResampler : IResampler
{
    // Output is collected through this buffer; soxr is simply called again while it fills it.
    private const int ScratchSamples = 4096;

    private readonly SoxrHandle? _handle; // null when the rates are equal: samples pass through untouched
    private readonly short[] _scratch;
    private bool _flushed;

    public SoxrResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        _scratch = inputRate == outputRate ? [] : new short[ScratchSamples];
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

    public unsafe void Process(ReadOnlySpan<short> input, List<short> output)
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
            output.AddRange(input);
            return;
        }

        fixed (short* inputPtr = input)
        fixed (short* scratchPtr = _scratch)
        {
            var consumed = 0;
            nuint produced;
            do
            {
                // soxr buffers internally and emits in bursts; keep calling while input is left or the output buffer came back full.
                var error = NativeMethods.soxr_process(
                    _handle, inputPtr + consumed, (nuint)(input.Length - consumed), out var inputDone, scratchPtr, (nuint)_scratch.Length, out produced);
                ThrowOnError(error);
                consumed += (int)inputDone;
                output.AddRange(new ReadOnlySpan<short>(_scratch, 0, (int)produced));
            }
            while (consumed < input.Length || produced == (nuint)_scratch.Length);
        }
    }

    public unsafe void Flush(List<short> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ThrowIfUnusable();
        _flushed = true;
        if (_handle is null)
        {
            return;
        }

        fixed (short* scratchPtr = _scratch)
        {
            nuint produced;
            do
            {
                // in = NULL tells soxr the stream has ended; it drains the filter's tail until it returns nothing.
                var error = NativeMethods.soxr_process(_handle, null, 0, out _, scratchPtr, (nuint)_scratch.Length, out produced);
                ThrowOnError(error);
                output.AddRange(new ReadOnlySpan<short>(_scratch, 0, (int)produced));
            }
            while (produced != 0);
        }
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
