using System.Net;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// A local OpenAI-compatible LLM (streaming <c>/v1/chat/completions</c>) on a fixed 127.0.0.1 port that a test can take
/// down (connections refused), make hang (requests accepted, never answered), and bring back.
/// </summary>
public sealed class ControllableLlmServer : IAsyncDisposable
{
    public const string Answer = "The upstream model says hello.";

    private readonly object _gate = new();
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "DownAsync (called by DisposeAsync) aborts it, which disposes it.")]
    private HttpListener? _listener;
    private CancellationTokenSource _hang = new();
    private Task _loop = Task.CompletedTask;

    private ControllableLlmServer(int port) => Port = port;

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    public bool Hanging { get; private set; }

    public static ControllableLlmServer Start()
    {
        var server = new ControllableLlmServer(ServiceProcess.FreePort());
        server.Up();
        return server;
    }

    /// <summary>Listening and answering.</summary>
    public void Up()
    {
        lock (_gate)
        {
            Hanging = false;
            if (_listener is not null)
            {
                return;
            }

            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            var listener = _listener;
            _loop = Task.Run(() => LoopAsync(listener));
        }
    }

    /// <summary>Not listening: new connections are refused, requests in flight are cut.</summary>
    public async Task DownAsync()
    {
        HttpListener? listener;
        lock (_gate)
        {
            listener = _listener;
            _listener = null;
        }

        listener?.Abort();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Accepts requests and never answers them until <see cref="Up"/>.</summary>
    public void Hang()
    {
        Up();
        Hanging = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _hang.CancelAsync();
        await DownAsync();
        _hang.Dispose();
    }

    private async Task LoopAsync(HttpListener listener)
    {
        while (true)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(ctx));
        }
    }

    private async Task AnswerAsync(HttpListenerContext ctx)
    {
        try
        {
            using (var body = new MemoryStream())
            {
                await ctx.Request.InputStream.CopyToAsync(body);
            }

            if (Hanging)
            {
                // Bounded: the engine's timeout (1 s) gives up long before this.
                await Task.Delay(TimeSpan.FromSeconds(30), _hang.Token);
                ctx.Response.Abort();
                return;
            }

            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/event-stream";
            ctx.Response.SendChunked = true;
            var output = ctx.Response.OutputStream;
            await SendAsync(output, new { role = "assistant", content = "" }, null);
            foreach (var token in Answer.Split(' '))
            {
                await SendAsync(output, new { content = token + (token.EndsWith('.') ? "" : " ") }, null);
            }

            await SendAsync(output, new { }, "stop");
            await output.WriteAsync(Encoding.UTF8.GetBytes("data: [DONE]\n\n"));
            ctx.Response.Close();
        }
        catch (Exception)
        {
            // The client went away or the server was taken down: part of the test.
            try
            {
                ctx.Response.Abort();
            }
            catch (Exception)
            {
            }
        }
    }

    private static async Task SendAsync(Stream output, object delta, string? finish)
    {
        var json = JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1_700_000_000, model = "fake", choices = new[] { new { index = 0, delta, finish_reason = finish } } });
        await output.WriteAsync(Encoding.UTF8.GetBytes($"data: {json}\n\n"));
        await output.FlushAsync();
    }
}
