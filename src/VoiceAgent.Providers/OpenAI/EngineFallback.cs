using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Tries engines in order: the next one is used only when the previous failed before yielding anything.</summary>
internal sealed class EngineFallback(string capability, IReadOnlyList<string> names, EngineMetrics? metrics, ILogger logger)
{
    public async Task<T> ExecuteAsync<T>(Func<int, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        for (var i = 0; i < names.Count; i++)
        {
            try
            {
                return await call(i, cancellationToken);
            }
            catch (Exception ex) when (!EngineFaults.IsCallerCancellation(ex, cancellationToken))
            {
                Record(ex, i, ref failures);
            }
        }

        ThrowExhausted(failures!);
        throw new UnreachableException();
    }

    public async IAsyncEnumerable<T> StreamAsync<T>(Func<int, CancellationToken, IAsyncEnumerable<T>> open, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        for (var i = 0; i < names.Count; i++)
        {
            var e = open(i, cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool hasFirst;
            try
            {
                hasFirst = await e.MoveNextAsync();
            }
            catch (Exception ex)
            {
                await e.DisposeAsync();
                if (EngineFaults.IsCallerCancellation(ex, cancellationToken))
                {
                    throw;
                }

                Record(ex, i, ref failures);
                continue;
            }

            // Something was yielded (or the engine answered with nothing): from here on this engine's outcome is the call's.
            await using (e)
            {
                if (!hasFirst)
                {
                    yield break;
                }

                yield return e.Current;
                while (await e.MoveNextAsync())
                {
                    yield return e.Current;
                }
            }

            yield break;
        }

        ThrowExhausted(failures!);
        throw new UnreachableException();
    }

    private void Record(Exception ex, int index, ref List<Exception>? failures)
    {
        (failures ??= []).Add(ex);
        if (index + 1 < names.Count)
        {
            metrics?.Fallback(names[index], names[index + 1]);
            EngineLog.FallingBack(logger, names[index], names[index + 1], ex);
        }
    }

    // One engine: its own exception, stack intact. Several: all of them, each named, so the log tells the whole story.
    [DoesNotReturn]
    private void ThrowExhausted(List<Exception> failures)
    {
        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Throw(failures[0]);
        }

        var detail = string.Join("; ", failures.Select((f, i) => $"{names[i]}: {f.Message}"));
        throw new AggregateException($"Every {capability} engine failed ({detail}).", failures);
    }
}
