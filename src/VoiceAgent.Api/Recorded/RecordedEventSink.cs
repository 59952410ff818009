using System.Net.WebSockets;
using VoiceAgent.Api.VoiceCall;

namespace VoiceAgent.Api.Recorded;

/// <summary>Sends events in order through the connection's bounded queue; a client that stopped reading or left ends the work.</summary>
public sealed class RecordedEventSink(OutgoingQueue queue)
{
    /// <summary>Queues an event, waiting while the queue is full; throws <see cref="OperationCanceledException"/> when the client is gone or too slow.</summary>
    public async ValueTask SendAsync(byte[] evt, CancellationToken cancellationToken)
    {
        if (!await queue.SendAsync(evt, WebSocketMessageType.Text, cancellationToken))
        {
            throw new OperationCanceledException("The client stopped reading or the connection is closing.");
        }
    }

    /// <summary>Queues an event without waiting (replies to a client's message while nothing else is being sent).</summary>
    public void TrySend(byte[] evt) => queue.TrySend(evt);
}
