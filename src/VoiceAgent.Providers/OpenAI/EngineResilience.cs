using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// One engine's Polly pipeline (retry ⟶ circuit breaker ⟶ per-attempt timeout) with its metrics, for plain and streaming calls.
/// </summary>
/// <remarks>
/// A streaming call runs inside the pipeline only until its first item: until then it may time out, be retried or be
/// refused by an open breaker; once something was yielded the caller has used it, so a later failure propagates as is
/// (it is counted as a failure, but not by the breaker, which has already let the call through).
/// The caller's cancellation (barge-in, disconnect) is neither retried nor counted as a failure.
/// </remarks>
public sealed class EngineResilience : IDisposable
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _breaker = new();
    // Null: not measured (a client made outside a host, in a test or a benchmark).
    private readonly EngineMetrics? _metrics;
    private readonly IDisposable? _tracking;
    private readonly ILogger _logger;

    public EngineResilience(string name, EngineResilienceOptions options, TimeProvider? timeProvider = null, EngineMetrics? metrics = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        var time = timeProvider ?? TimeProvider.System;
        _pipeline = Build(options, time);
        _tracking = _metrics?.TrackBreaker(name, () => _breaker.CircuitState);
    }

    public string Name { get; }

    public CircuitState BreakerState => _breaker.CircuitState;

    /// <summary>Runs a whole call (all of it under the timeout), retrying transient failures.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        _metrics?.Call(Name);
        try
        {
            return await _pipeline.ExecuteAsync(static async (c, token) => await c(token), call, cancellationToken);
        }
        catch (Exception ex) when (!EngineFaults.IsCallerCancellation(ex, cancellationToken))
        {
            Failed(ex);
            throw;
        }
    }

    /// <summary>Streams a call; opening it and waiting for its first item happen inside the pipeline, the rest outside.</summary>
    public async IAsyncEnumerable<T> ExecuteStreamingAsync<T>(Func<CancellationToken, IAsyncEnumerable<T>> open, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        _metrics?.Call(Name);
        OpenedStream<T> stream;
        try
        {
            stream = await _pipeline.ExecuteAsync(static (s, attemptToken) => OpenAsync(s.open, s.cancellationToken, attemptToken), (open, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (!EngineFaults.IsCallerCancellation(ex, cancellationToken))
        {
            Failed(ex);
            throw;
        }

        await using (stream)
        {
            if (!stream.HasFirst)
            {
                yield break;
            }

            yield return stream.Enumerator.Current;
            while (true)
            {
                bool more;
                try
                {
                    more = await stream.Enumerator.MoveNextAsync();
                }
                catch (Exception ex) when (!EngineFaults.IsCallerCancellation(ex, cancellationToken))
                {
                    Failed(ex);
                    throw;
                }

                if (!more)
                {
                    yield break;
                }

                yield return stream.Enumerator.Current;
            }
        }
    }

    public void Dispose()
    {
        _tracking?.Dispose();
    }

    // The stream must outlive the attempt, but Polly's attempt token (with its timeout) is pooled and reused after the
    // attempt: so the stream gets a token of its own, which the attempt token cancels only while the attempt runs.
    private static async ValueTask<OpenedStream<T>> OpenAsync<T>(Func<CancellationToken, IAsyncEnumerable<T>> open, CancellationToken callerToken, CancellationToken attemptToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        IAsyncEnumerator<T>? enumerator = null;
        var bridge = attemptToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), cts);
        try
        {
            enumerator = open(cts.Token).GetAsyncEnumerator(cts.Token);
            var hasFirst = await enumerator.MoveNextAsync();
            await bridge.DisposeAsync();
            return new OpenedStream<T>(enumerator, cts, hasFirst);
        }
        catch
        {
            await bridge.DisposeAsync();
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync();
            }

            cts.Dispose();
            throw;
        }
    }

    private void Failed(Exception ex)
    {
        _metrics?.Failure(Name);
        EngineLog.CallFailed(_logger, Name, ex);
    }

    private ResiliencePipeline Build(EngineResilienceOptions o, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { Name = Name, TimeProvider = time };
        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = o.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex
                    && EngineFaults.IsTransient(ex, args.Context.CancellationToken)
                    && !(EngineFaults.TryGetRetryAfter(ex, time.GetUtcNow(), out var wait) && wait > o.MaxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && EngineFaults.TryGetRetryAfter(ex, time.GetUtcNow(), out var wait)
                    ? wait : (TimeSpan?)null),
                OnRetry = args =>
                {
                    _metrics?.Retry(Name);
                    EngineLog.Retrying(_logger, Name, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception);
                    o.OnRetry?.Invoke(new EngineRetryEvent(Name, args.AttemptNumber + 2, args.RetryDelay, args.Outcome.Exception));
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = o.BreakerFailureRatio,
            SamplingDuration = o.BreakerSamplingDuration,
            MinimumThroughput = o.BreakerMinimumThroughput,
            BreakDuration = o.BreakerBreakDuration,
            StateProvider = _breaker,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && EngineFaults.IsEngineFault(ex, args.Context.CancellationToken)),
            OnOpened = args =>
            {
                EngineLog.BreakerOpened(_logger, Name, args.BreakDuration.TotalSeconds, args.Outcome.Exception);
                return default;
            },
            OnClosed = _ =>
            {
                EngineLog.BreakerClosed(_logger, Name);
                return default;
            },
        });
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = o.Timeout });
        return builder.Build();
    }
}
