namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Puts numbered media chunks back in order (Telnyx does not guarantee it): a chunk ahead of the next expected one
/// waits, up to <c>depth</c> chunks (~100 ms); then the gap is given up. Late chunks are dropped: the pipeline has moved on.
/// </summary>
public sealed class ChunkOrder(int depth = 5)
{
    private readonly SortedDictionary<long, byte[]> _waiting = [];
    private long? _next;

    /// <summary>Chunks dropped because they came after their place had been played.</summary>
    public int Late { get; private set; }

    /// <summary>Takes one chunk; calls <paramref name="release"/> with every chunk now in order.</summary>
    public void Add(long? chunk, byte[] payload, Action<byte[]> release)
    {
        if (chunk is not { } n)
        {
            release(payload); // unnumbered (Vonage's binary frames): the socket's order is the order
            return;
        }

        _next ??= n;
        if (n < _next)
        {
            Late++;
            return;
        }

        _waiting[n] = payload;
        while (_waiting.Count > 0)
        {
            var first = _waiting.First();
            if (first.Key != _next && _waiting.Count <= depth)
            {
                break;
            }

            _waiting.Remove(first.Key);
            _next = first.Key + 1;
            release(first.Value);
        }
    }
}
