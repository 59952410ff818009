using System.Globalization;
using VoiceAgent.EspeakWorker;
using VoiceAgent.Providers.Embedded.Espeak;

// Usage: VoiceAgent.EspeakWorker --parent <service pid>. Requests on stdin, frames on stdout (EspeakWorkerProtocol),
// errors on stderr (the service's). Exits when stdin ends or the service is gone.
if (args is not ["--parent", var parent] || !int.TryParse(parent, NumberStyles.None, CultureInfo.InvariantCulture, out var parentId))
{
    await Console.Error.WriteLineAsync("usage: VoiceAgent.EspeakWorker --parent <pid> (started by VoiceAgent's eSpeak worker pool)");
    return 2;
}

using var stop = new CancellationTokenSource();
var watch = ParentWatch.RunAsync(parentId, stop.Token);
int code;
await using (var input = Console.OpenStandardInput())
await using (var output = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024))
{
    code = await EspeakWorkerLoop.RunAsync(input, output);
}

await stop.CancelAsync();
try
{
    await watch;
}
catch (OperationCanceledException)
{
    // The watch ends with the worker.
}

return code;
