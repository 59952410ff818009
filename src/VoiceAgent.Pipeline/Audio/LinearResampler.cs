using System.Buffers;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>
/// A streaming linear-interpolation resampler: exact in rate, modest in quality (no anti-alias filter).
/// Good enough for tests and as a fallback; production uses the libsoxr engine.
/// </summary>
public sealed class LinearResampler(int inputRate, int outputRate) : IResampler
{
    // Position of the next output sample, in input samples, relative to `_previous` (index -1 of the next input block).
    private double _position;
    private short _previous;
    private bool _hasPrevious;

    public int InputRate { get; } = inputRate > 0 ? inputRate : throw new ArgumentOutOfRangeException(nameof(inputRate));

    public int OutputRate { get; } = outputRate > 0 ? outputRate : throw new ArgumentOutOfRangeException(nameof(outputRate));

    public void Process(ReadOnlySpan<short> input, IBufferWriter<short> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (input.IsEmpty)
        {
            return;
        }

        if (InputRate == OutputRate)
        {
            output.Write(input);
            return;
        }

        var step = (double)InputRate / OutputRate;
        if (!_hasPrevious)
        {
            _previous = input[0];
            _hasPrevious = true;
            _position = 1; // the first output sample is input[0]
        }

        // Samples are indexed so that -1 is `_previous` and 0..n-1 are `input`; shift by one for simpler maths.
        // The position starts in [0, n] and moves by `step`, so at most n / step + 1 samples come out of this block.
        var n = input.Length;
        var destination = output.GetSpan((int)((long)n * OutputRate / InputRate) + 2);
        var written = 0;
        while (_position <= n)
        {
            var i = (int)Math.Floor(_position);
            var frac = _position - i;
            var a = i == 0 ? _previous : input[i - 1];
            var b = i < n ? input[i] : a;
            if (i == n && frac > 0)
            {
                break;
            }

            destination[written++] = (short)Math.Clamp(Math.Round(a + ((b - a) * frac)), short.MinValue, short.MaxValue);
            _position += step;
        }

        output.Advance(written);
        _previous = input[n - 1];
        _position -= n;
    }

    public void Flush(IBufferWriter<short> output)
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>Creates <see cref="LinearResampler"/>s.</summary>
public sealed class LinearResamplerFactory : IResamplerFactory
{
    public IResampler Create(int inputRate, int outputRate) => new LinearResampler(inputRate, outputRate);
}
