using System.Diagnostics;
using System.Net.Http.Json;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>The eSpeak worker processes never outlive the service, however it ends.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class EspeakWorkerLifetimeTests
{
    private const string ApiKey = "worker-key";

    private static readonly TimeSpan WorkersGone = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stopping_the_service_with_SIGTERM_leaves_no_eSpeak_worker_running()
    {
        await using var service = await StartSpeakingServiceAsync();
        var workers = WorkersOf(service.ProcessId);
        workers.ShouldNotBeEmpty();

        await service.TerminateAsync();

        await WaitUntilGoneAsync(workers);
    }

    [Fact]
    public async Task Killing_the_service_with_kill_9_leaves_no_eSpeak_worker_running()
    {
        await using var service = await StartSpeakingServiceAsync();
        var workers = WorkersOf(service.ProcessId);
        workers.ShouldNotBeEmpty();

        await service.KillServiceOnlyAsync();

        await WaitUntilGoneAsync(workers);
    }

    /// <summary>The service on two eSpeak workers, after two sentences spoken at once (so its workers are running).</summary>
    private static async Task<ServiceProcess> StartSpeakingServiceAsync()
    {
        var service = await ServiceProcess.StartAsync(ServiceProcess.FreePort(), new Dictionary<string, string>
        {
            ["VoiceAgent:Store:Provider"] = "Memory",
            ["VoiceAgent:Tts:Embedded:Workers"] = "2",
            ["VoiceAgent:Auth:ApiKeys:0"] = ApiKey,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = service.Address };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
            await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
            {
                using var response = await http.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = $"Sentence number {i} is spoken by a worker.", voice = "alloy", response_format = "pcm" });
                response.EnsureSuccessStatusCode();
                (await response.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(16_000);
            })).WaitAsync(ServiceHost.Timeout);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>The pids of the eSpeak workers whose parent is <paramref name="parentId"/>, read from /proc.</summary>
    private static List<int> WorkersOf(int parentId) =>
        [.. Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && IsWorker(pid) && ParentOf(pid) == parentId)];

    private static bool IsWorker(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("VoiceAgent.EspeakWorker", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // exited while we looked
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task WaitUntilGoneAsync(List<int> workers)
    {
        var clock = Stopwatch.StartNew();
        while (workers.Any(IsWorker) && clock.Elapsed < WorkersGone)
        {
            await Task.Delay(100);
        }

        workers.Where(IsWorker).ShouldBeEmpty();
    }
}
