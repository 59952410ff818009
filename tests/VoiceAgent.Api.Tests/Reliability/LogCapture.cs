using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>Captures the host's Warning, Error and Critical log entries (with their exceptions) so a test can assert there were none it did not expect.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Errors => [.. _entries.Where(e => e.Level >= LogLevel.Error)];

    public IReadOnlyList<Entry> Warnings => [.. _entries.Where(e => e.Level == LogLevel.Warning)];

    /// <summary>Registers this capture as one more logger provider of the host.</summary>
    public void AddTo(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    public void Dispose()
    {
    }

    public string Describe(int max = 5) =>
        string.Join(Environment.NewLine, _entries.OrderByDescending(e => e.Level).Take(max).Select(e => $"[{e.Level}] {e.Category}: {e.Message}{Environment.NewLine}{e.Exception}"));

    /// <summary>One captured entry.</summary>
    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception);

    private sealed class Capturing(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
            }
        }
    }
}
