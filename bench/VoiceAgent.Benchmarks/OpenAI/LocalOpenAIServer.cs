using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VoiceAgent.Benchmarks.OpenAI;

/// <summary>A minimal local OpenAI chat server (HttpListener, 127.0.0.1): a fixed SSE reply, or a fixed error status.</summary>
internal sealed class LocalOpenAIServer : IDisposable
{
    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(string.Concat(
        Chunk("""{"role":"assistant","content":""}""", "null"),
        Chunk("""{"content":"Hello"}""", "null"),
        Chunk("""{"content":" there."}""", "null"),
        Chunk("{}", "\"stop\""),
        "data: [DONE]\n\n"));

    private readonly HttpListener _listener = new();
    private readonly int _status;

    public LocalOpenAIServer(int status = 200)
    {
        _status = status;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    public void Dispose() => _listener.Close();

    private static string Chunk(string delta, string finish) =>
        $"data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n";

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                await ctx.Request.InputStream.CopyToAsync(System.IO.Stream.Null);
                ctx.Response.StatusCode = _status;
                var body = _status == 200 ? Stream : """{"error":{"message":"down","type":"server_error"}}"""u8.ToArray();
                ctx.Response.ContentType = _status == 200 ? "text/event-stream" : "application/json";
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            });
        }
    }
}
