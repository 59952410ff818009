using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Api.Tests.Recorded;

/// <summary>
/// A local OpenAI-compatible vision model for tests: HttpListener on 127.0.0.1, answering <c>/v1/chat/completions</c>
/// with a streamed (SSE) reply, and recording every request body.
/// </summary>
public sealed class FakeVisionModel : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private FakeVisionModel(int port)
    {
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    public string[] Tokens { get; init; } = ["I see", " a red square", "."];

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    public static FakeVisionModel Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new FakeVisionModel(port);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
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

            try
            {
                await AnswerAsync(ctx);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException)
            {
                ctx.Response.Abort();
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext ctx)
    {
        using var body = new MemoryStream();
        await ctx.Request.InputStream.CopyToAsync(body);
        Requests.Enqueue(JsonDocument.Parse(body.ToArray()).RootElement.Clone());
        if (ctx.Request.Url!.AbsolutePath != "/v1/chat/completions")
        {
            ctx.Response.StatusCode = 404;
            ctx.Response.Close();
            return;
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.SendChunked = true;
        var output = ctx.Response.OutputStream;
        await SendAsync(output, Chunk(new { role = "assistant", content = "" }, null));
        foreach (var token in Tokens)
        {
            await SendAsync(output, Chunk(new { content = token }, null));
        }

        await SendAsync(output, Chunk(new { }, "stop"));
        await SendAsync(output, "[DONE]");
        ctx.Response.Close();
    }

    private static string Chunk(object delta, string? finish) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-vision",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "vision-test",
        choices = new[] { new { index = 0, delta, finish_reason = finish } },
    });

    private static async Task SendAsync(Stream output, string data)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"));
        await output.FlushAsync();
    }
}
