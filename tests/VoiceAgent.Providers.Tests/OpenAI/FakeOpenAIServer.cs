using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VoiceAgent.Providers.Tests.OpenAI;

/// <summary>A request the fake server received.</summary>
internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The URL's query, with its leading '?' (empty when none).</summary>
    public string Query { get; init; } = "";

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// A local OpenAI-compatible HTTP server for tests (HttpListener on 127.0.0.1, free port). Each request is answered by
/// the next scripted handler if any, else by <see cref="DefaultHandler"/>; every request is recorded.
/// </summary>
internal sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Func<HttpListenerContext, RecordedRequest, Task>> _script = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private FakeOpenAIServer(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Func<HttpListenerContext, RecordedRequest, Task> DefaultHandler { get; set; } = FakeResponses.Default;

    /// <summary>Cancelled when the server stops, so hanging handlers end.</summary>
    public CancellationToken Stopping => _stop.Token;

    public static FakeOpenAIServer Start() => new(FreePort());

    /// <summary>A port with no listener: connecting to it is refused.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public FakeOpenAIServer Then(Func<HttpListenerContext, RecordedRequest, Task> handler)
    {
        _script.Enqueue(handler);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(ctx));
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        try
        {
            using var body = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(body);
            var headers = ctx.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => ctx.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var request = new RecordedRequest(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, headers, body.ToArray(), DateTimeOffset.UtcNow) { Query = ctx.Request.Url.Query };
            Requests.Enqueue(request);
            var handler = _script.TryDequeue(out var scripted) ? scripted : DefaultHandler;
            await handler(ctx, request);
        }
        catch (Exception)
        {
            // A client that went away (timeout, cancellation) is part of the tests, not a server failure.
            try
            {
                ctx.Response.Abort();
            }
            catch (Exception)
            {
            }
        }
    }
}
