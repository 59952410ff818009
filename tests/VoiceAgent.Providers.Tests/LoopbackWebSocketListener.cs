using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Providers.Tests;

/// <summary>
/// A WebSocket server on 127.0.0.1 at a free port for the tests' fakes of remote services. Its accepted sockets have
/// TCP_NODELAY, as a real service's do: HttpListener's do not, so a fake that sends two small messages back to back
/// (an event, then its audio frame) had its second held by Nagle's algorithm until the client's delayed ACK, and the
/// bench measured that wait as the service's own cost.
/// </summary>
internal sealed class LoopbackWebSocketListener : IAsyncDisposable
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455's fixed key suffix
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _path;
    private readonly Func<WebSocketUpgrade, WebSocket, CancellationToken, Task> _serve;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LoopbackWebSocketListener(string path, Func<WebSocketUpgrade, WebSocket, CancellationToken, Task> serve)
    {
        _path = path;
        _serve = serve;
        _listener.Server.NoDelay = true;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>
    /// Starts listening for upgrades to <paramref name="path"/> (other paths get 404); <paramref name="serve"/> runs once
    /// per accepted WebSocket, which is disposed after it.
    /// </summary>
    public static LoopbackWebSocketListener Start(string path, Func<WebSocketUpgrade, WebSocket, CancellationToken, Task> serve) => new(path, serve);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            socket.NoDelay = true; // Linux inherits it from the listener; set it anyway for every platform
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var upgrade = await ReadUpgradeAsync(stream, _stop.Token);
            if (upgrade is null || upgrade.Path.Split('?')[0] != _path)
            {
                var status = upgrade is null ? "400 Bad Request" : "404 Not Found";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), _stop.Token);
                return;
            }

            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(upgrade.Header("Sec-WebSocket-Key") + Guid)));
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), _stop.Token);
            using var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
            await _serve(upgrade, ws, _stop.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or WebSocketException)
        {
            // The client went away, or the fake stopped.
        }
    }

    // The request line and headers, up to the blank line; the client sends nothing more before our 101.
    private static async Task<WebSocketUpgrade?> ReadUpgradeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>(1024);
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (head.Count > 16 * 1024 || await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var request = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var upgrade = new WebSocketUpgrade(request.Length > 1 ? request[1] : "", headers);
        return request[0] == "GET" && upgrade.Header("Sec-WebSocket-Key") is { Length: > 0 } ? upgrade : null;
    }
}
