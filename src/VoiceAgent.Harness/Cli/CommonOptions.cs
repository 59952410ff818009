using System.CommandLine;

namespace VoiceAgent.Harness.Cli;

/// <summary>Options and error handling shared by the commands.</summary>
public static class CommonOptions
{
    public static Option<string> Url() => new("--url")
    {
        Description = "The voice-call WebSocket, e.g. ws://127.0.0.1:8080/chat/voice_call.",
        Required = true,
    };

    public static Option<string?> Token() => new("--token")
    {
        Description = "API key, sent as 'Authorization: Bearer KEY' (the service accepts any non-empty key when it has none configured).",
        DefaultValueFactory = _ => "harness",
    };

    /// <summary>Adds a validator that reports <paramref name="message"/> when the given value fails <paramref name="valid"/>.</summary>
    public static void Check<T>(Option<T> option, Func<T, bool> valid, string message)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<T>() is { } v && !valid(v))
            {
                r.AddError(message);
            }
        });
    }

    public static Uri ParseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss"
            ? uri
            : throw new HarnessException($"--url must be a ws:// or wss:// address, not '{value}'.");

    /// <summary>Runs a command body: a <see cref="HarnessException"/> becomes one clear line on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body();
        }
        catch (HarnessException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 130;
        }
    }
}
