using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Classifies engine failures: the caller's own cancellation, transient faults worth a retry, and faults of the engine.</summary>
internal static class EngineFaults
{
    /// <summary>Barge-in or a disconnect: neither a failure nor retryable.</summary>
    public static bool IsCallerCancellation(Exception ex, CancellationToken callerToken) =>
        ex is OperationCanceledException && callerToken.IsCancellationRequested;

    public static bool IsTransient(Exception ex, CancellationToken callerToken) => ex switch
    {
        _ when IsCallerCancellation(ex, callerToken) => false,
        BrokenCircuitException => false, // fail fast: the breaker exists so that a fallback answers at once
        TimeoutRejectedException => true,
        OperationCanceledException => true, // System.ClientModel's network timeout, not the caller's token
        ClientResultException c => c.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or IOException or SocketException => true,
        _ => false,
    };

    /// <summary>Counts towards the breaker: anything but the caller's cancellation and errors caused by one request's content.</summary>
    public static bool IsEngineFault(Exception ex, CancellationToken callerToken) => ex switch
    {
        _ when IsCallerCancellation(ex, callerToken) => false,
        BrokenCircuitException or ArgumentException => false,
        ClientResultException c => c.Status is not (400 or 413 or 415 or 422),
        _ => true,
    };

    /// <summary>The server's Retry-After (delta seconds or an HTTP date) on a failed response, if any.</summary>
    public static bool TryGetRetryAfter(Exception ex, DateTimeOffset now, out TimeSpan delay)
    {
        delay = default;
        if (ex is not ClientResultException c || c.GetRawResponse() is not { } response
            || !response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            delay = TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            delay = date > now ? date - now : TimeSpan.Zero;
            return true;
        }

        return false;
    }
}
