namespace VoiceAgent.Api.Hosting;

/// <summary>
/// At start-up, checks that every configured engine can run and fails fast with what is missing (the Debian package to
/// install), then warms the engines up so the first caller does not pay for loading models.
/// </summary>
public sealed partial class EngineStartupCheck(EngineHealth health, IServiceProvider services, ILogger<EngineStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var failed = health.Check().Where(c => !c.Healthy).ToList();
        if (failed.Count > 0)
        {
            var message = string.Join("; ", failed.Select(f => $"{f.Stage} engine '{f.Provider}': {f.Error}"));
            LogEnginesMissing(logger, message);
            throw new InvalidOperationException($"Configured engines cannot run: {message}. Run ./run.sh (it installs the Debian packages) or change the configuration.");
        }

        var warm = services.GetService<EngineWarmUp>();
        if (warm is not null)
        {
            await warm.RunAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Critical, Message = "Engines cannot run: {Problems}")]
    private static partial void LogEnginesMissing(ILogger logger, string problems);
}
