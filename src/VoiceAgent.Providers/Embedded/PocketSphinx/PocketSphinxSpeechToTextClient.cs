using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Asr;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>Streaming English speech to text with PocketSphinx: raw PCM16LE mono in, partial and final text out.</summary>
/// <remarks>
/// The input rate is <see cref="SpeechToTextOptions.SpeechSampleRate"/> (default 16 kHz); other rates go through the
/// injected <see cref="IResamplerFactory"/>. Safe for concurrent calls: each utterance borrows its own decoder from a
/// pool of <see cref="PocketSphinxOptions.MaxDecoders"/>, and waits (cancellably) when all are busy.
/// </remarks>
public sealed class PocketSphinxSpeechToTextClient : ISpeechToTextClient
{
    /// <summary>The rate the en-us acoustic model was trained on.</summary>
    public const int DecoderSampleRate = 16_000;

    private const string ModelId = "pocketsphinx-en-us";

    // 100 ms at 16 kHz: a pipe returns what it has (often 40 ms) anyway; a file is fed in steps small enough for
    // partials to move smoothly and large enough that per-call overhead does not matter.
    private const int ReadBufferBytes = 3_200;

    private readonly IResamplerFactory? _resamplerFactory;
    private readonly PocketSphinxOptions _options;
    private readonly PocketSphinxDecoderPool _pool;
    private DomainSearch? _domain;

    // Per call: the running cepstral mean its last turn ended with. Keyed by the call's SpeechToTextOptions instance
    // (the voice pipeline makes one per call; a transcription request makes its own), so it lives as long as the call
    // and nothing of one call reaches another.
    private readonly ConditionalWeakTable<SpeechToTextOptions, StrongBox<PocketSphinxCallMean?>> _callMeans = [];
    private readonly SpeechToTextClientMetadata _metadata = new("pocketsphinx", providerUri: null, defaultModelId: ModelId);

    /// <param name="options">Model paths and pool size; validated here, copied so later changes have no effect.</param>
    /// <param name="resamplerFactory">Needed only for input that is not 16 kHz.</param>
    /// <param name="queueMetrics">Where waits for a free decoder are counted, if anywhere.</param>
    public PocketSphinxSpeechToTextClient(PocketSphinxOptions options, IResamplerFactory? resamplerFactory = null, EngineQueueMetrics? queueMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _resamplerFactory = resamplerFactory;
        _pool = new PocketSphinxDecoderPool(_options.MaxDecoders, () => PocketSphinxDecoder.Create(_options), queueMetrics);
    }

    /// <summary>The domain model in use (its second search), or null when there is none.</summary>
    public PocketSphinxDomainModel? DomainModel => Volatile.Read(ref _domain)?.Model;

    /// <summary>
    /// Makes <paramref name="model"/> the second search of every utterance that starts from now on (null: generic only).
    /// </summary>
    /// <remarks>
    /// Utterances already running finish with the search they started with; the old model's decoders are freed as they come back.
    /// With <see cref="PocketSphinxOptions.DomainInterpolationWeight"/> or <see cref="PocketSphinxOptions.DomainRescoring"/> the
    /// generic decoders load the model too: idle ones now (the first one too if none is loaded yet, so a model PocketSphinx
    /// refuses fails here, not in a turn), busy ones before their next utterance. With
    /// <see cref="PocketSphinxOptions.DomainDecoder"/> (or no interpolation) a second pool of decoders runs the domain model alone.
    /// </remarks>
    public void UseDomainModel(PocketSphinxDomainModel? model)
    {
        var inDecoder = _options.DomainRescoring || _options.InterpolatesDomainModel;
        PocketSphinxDecoderPool? pool = null;
        if (model is not null && _options.UsesDomainDecoder)
        {
            var options = _options.Clone();
            options.LanguageModelPath = model.LanguageModelPath;
            options.DictionaryPath = model.DictionaryPath;
            options.GrammarPath = null;
            options.KeywordsPath = null;
            options.Fwdflat = _options.DomainFwdflat;
            options.DomainInterpolationWeight = 0;

#pragma warning disable CA2000 // Owned by the domain search it goes into (disposed when replaced), or disposed in the catch.
            pool = new PocketSphinxDecoderPool(options.MaxDecoders, () => PocketSphinxDecoder.Create(options));
#pragma warning restore CA2000
        }

        try
        {
            pool?.Preload();
            if (inDecoder && model is not null)
            {
                if (_pool.Created == 0)
                {
                    _pool.Preload();
                }

                _pool.ForEachIdle(decoder => decoder.UseDomainModel(model));
            }
        }
        catch
        {
            pool?.Dispose();
            throw;
        }

        Interlocked.Exchange(ref _domain, model is null ? null : new DomainSearch(model, pool, inDecoder))?.Pool?.Dispose();
    }

    /// <summary>Decoders loaded so far (at most <see cref="PocketSphinxOptions.MaxDecoders"/>, unless some faulted).</summary>
    public int DecodersCreated => _pool.Created;

    /// <summary>Returns null when PocketSphinx can run with <paramref name="options"/>, else what is missing and which Debian package provides it.</summary>
    public static string? CheckAvailable(PocketSphinxOptions? options = null)
    {
        options ??= new PocketSphinxOptions();
        foreach (var (library, package) in new[]
                 {
                     (NativeMethods.PocketSphinxLibrary, "libpocketsphinx3"),
                     (NativeMethods.SphinxBaseLibrary, "libsphinxbase3"),
                 })
        {
            if (!NativeLibrary.TryLoad(library, out var loaded))
            {
                return $"{library} cannot be loaded: install the Debian package {package}.";
            }

            NativeLibrary.Free(loaded);
        }

        var model = "the Debian package pocketsphinx-en-us provides the default model";
        var required = new List<string> { Path.Combine(options.HmmPath, "mdef"), options.DictionaryPath };
        required.Add(options.GrammarPath ?? options.KeywordsPath ?? options.LanguageModelPath);
        foreach (var path in required)
        {
            if (!File.Exists(path))
            {
                return $"{path} is missing ({model}).";
            }
        }

        return null;
    }

    public async Task<SpeechToTextResponse> GetTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        using var utterance = await StartUtteranceAsync(options, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            int read;
            while ((read = await audioSpeechStream.ReadAsync(buffer.AsMemory(0, ReadBufferBytes), cancellationToken).ConfigureAwait(false)) > 0)
            {
                // Streams with data buffered may return it without looking at the token; a cancelled turn stops now.
                cancellationToken.ThrowIfCancellationRequested();
                utterance.Feed(buffer.AsSpan(0, read), wantPartial: false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var text = await EndAsync(utterance, options).ConfigureAwait(false);

        // The words with their times ride along after the text (Text joins only the TextContent).
        return new SpeechToTextResponse([new TextContent(text), .. utterance.Words])
        {
            AdditionalProperties = Details(utterance),
            ResponseId = NewResponseId(),
            ModelId = ModelId,
            StartTime = TimeSpan.Zero,
            EndTime = utterance.Duration,
        };
    }

    /// <summary>
    /// Decodes while the stream delivers audio: <c>SessionOpen</c>, a <c>TextUpdating</c> with the whole hypothesis so far
    /// each time it changes, then at end of stream one <c>TextUpdated</c> with the final text, then <c>SessionClose</c>.
    /// </summary>
    /// <remarks>
    /// Partials replace each other (the recogniser revises earlier words), so they cannot be deltas. Take the final
    /// text from the <c>TextUpdated</c> update: MEAI's <c>ToSpeechToTextResponseAsync</c> concatenates every update.
    /// </remarks>
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        var responseId = NewResponseId();
        using var utterance = await StartUtteranceAsync(options, cancellationToken).ConfigureAwait(false);
        yield return Update(SpeechToTextResponseUpdateKind.SessionOpen, null, responseId, utterance);

        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            int read;
            while ((read = await audioSpeechStream.ReadAsync(buffer.AsMemory(0, ReadBufferBytes), cancellationToken).ConfigureAwait(false)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (utterance.Feed(buffer.AsSpan(0, read), wantPartial: true) is { } partial)
                {
                    yield return Update(SpeechToTextResponseUpdateKind.TextUpdating, partial, responseId, utterance);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var final = Update(SpeechToTextResponseUpdateKind.TextUpdated, await EndAsync(utterance, options).ConfigureAwait(false), responseId, utterance);
        final.AdditionalProperties = Details(utterance);
        yield return final;
        yield return Update(SpeechToTextResponseUpdateKind.SessionClose, null, responseId, utterance);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(SpeechToTextClientMetadata) ? _metadata
            : serviceType == typeof(SpeechToTextPartials) ? SpeechToTextPartials.Streamed
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Frees idle decoders; utterances still running finish and free theirs.</summary>
    public void Dispose()
    {
        _pool.Dispose();
        Interlocked.Exchange(ref _domain, null)?.Pool?.Dispose();
    }

    /// <summary>
    /// The final's details: <see cref="SpeechToTextConfidence.PropertyName"/> (the mean posterior of its words, 0–1), the
    /// hypothesis' own posterior and its words' lowest; with a domain model, what each search heard (<c>generic</c>,
    /// <c>domain</c>, <c>picked</c>), for callers comparing them (the accuracy benchmark).
    /// </summary>
    private static AdditionalPropertiesDictionary? Details(PocketSphinxUtterance utterance)
    {
        if (utterance.Result is not { } result)
        {
            return null;
        }

        var details = new AdditionalPropertiesDictionary();
        if (result.Confidence is { } confidence)
        {
            details[SpeechToTextConfidence.PropertyName] = confidence.MeanWord;
            details["utterance_posterior"] = confidence.Utterance;
            details["min_word_posterior"] = confidence.MinWord;
        }

        if (result.Domain is { } domain)
        {
            details["generic"] = result.Generic.Text;
            details["domain"] = domain.Text;
            details["picked"] = result.DomainPicked ? "domain" : "generic";
            details["generic_score"] = result.Generic.Score;
            details["domain_score"] = domain.Score;
        }

        return details;
    }

    private static string NewResponseId() => Guid.NewGuid().ToString("N");

    private static SpeechToTextResponseUpdate Update(
        SpeechToTextResponseUpdateKind kind, string? text, string responseId, PocketSphinxUtterance utterance) =>
        new(text is null ? [] : [new TextContent(text)])
        {
            Kind = kind,
            ResponseId = responseId,
            ModelId = ModelId,
            StartTime = TimeSpan.Zero,
            EndTime = utterance.Duration,
        };

    private async ValueTask<PocketSphinxUtterance> StartUtteranceAsync(SpeechToTextOptions? options, CancellationToken cancellationToken)
    {
        var rate = options?.SpeechSampleRate ?? DecoderSampleRate;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate, "options.SpeechSampleRate");
        if (rate != DecoderSampleRate && _resamplerFactory is null)
        {
            throw new NotSupportedException(
                $"Input at {rate} Hz needs an {nameof(IResamplerFactory)}; PocketSphinx decodes {DecoderSampleRate} Hz only.");
        }

        // A model swap disposes the old domain pool; an utterance that read the old one just before retries on the new.
        for (var attempt = 0; ; attempt++)
        {
            var domain = Volatile.Read(ref _domain);
            var resampler = rate == DecoderSampleRate ? null : _resamplerFactory!.Create(rate, DecoderSampleRate);
            try
            {
                var callMean = options is null ? null : _callMeans.GetValue(options, _ => new StrongBox<PocketSphinxCallMean?>()).Value;
                return await PocketSphinxUtterance.StartAsync(
                    _pool, domain?.Pool, domain is { InDecoder: true } ? domain.Model : null, resampler, callMean, cancellationToken,
                    _options.DomainScoreMargin).ConfigureAwait(false);
            }
            catch (ObjectDisposedException) when (attempt < 3 && !ReferenceEquals(domain, Volatile.Read(ref _domain)))
            {
            }
        }
    }

    /// <summary>Ends the utterance and keeps the mean it ended with for the call's next turn.</summary>
    private async ValueTask<string> EndAsync(PocketSphinxUtterance utterance, SpeechToTextOptions? options)
    {
        var text = await utterance.EndAsync().ConfigureAwait(false);

        // Only a turn with words says something about the speaker; a turn of noise keeps the call's earlier mean.
        if (options is not null && text.Length > 0 && utterance.Mean is { } mean)
        {
            _callMeans.GetValue(options, _ => new StrongBox<PocketSphinxCallMean?>()).Value = new PocketSphinxCallMean(mean, PocketSphinxCallMean.DefaultWeight);
        }

        return text;
    }

    /// <summary>The domain model, the pool of its own decoders if it has a search of its own, and whether the generic decoders load it too.</summary>
    private sealed record DomainSearch(PocketSphinxDomainModel Model, PocketSphinxDecoderPool? Pool, bool InDecoder);
}
