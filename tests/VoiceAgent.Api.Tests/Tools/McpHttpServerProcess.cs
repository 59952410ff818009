using System.Diagnostics;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Tools;

/// <summary>The test MCP server (tests/Fixtures/VoiceAgent.McpTestServer) serving Streamable HTTP on 127.0.0.1, as its own process, so that it can be killed and restarted.</summary>
internal sealed class McpHttpServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private McpHttpServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static string ServerDll =>
        Path.Combine(AppContext.BaseDirectory.Replace("VoiceAgent.Api.Tests", Path.Combine("Fixtures", "VoiceAgent.McpTestServer"), StringComparison.Ordinal), "VoiceAgent.McpTestServer.dll");

    /// <summary>Starts it on <paramref name="port"/> and waits until it listens; <paramref name="tides"/> adds its second tool.</summary>
    public static async Task<McpHttpServerProcess> StartAsync(int port, bool tides = false)
    {
        var url = $"http://127.0.0.1:{port}/mcp";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[ServerDll, "--http", url, .. tides ? ["--tides"] : Array.Empty<string>()])
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var server = new McpHttpServerProcess(process, url);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            using var cts = new CancellationTokenSource(ServiceHost.Timeout);
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (line == "listening")
                {
                    // Keep draining its output so that it never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return server;
                }
            }

            throw new InvalidOperationException("The MCP test server exited before it listened.");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(ServiceHost.Timeout);
        _process.Dispose();
    }
}
