namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Puts numbered media chunks back in order (Telnyx does not guarantee it): a chunk ahead of the next expected one
/// waits, up to <c>depth</c> chunks (~100 ms); then the gap is given up. Late chunks are dropped: the pipeline has moved on.
/// </summary>
/// <remarks>A chunk that comes in order, as nearly all do, goes straight through: nothing is stored or allocated for it.</remarks>
public sealed class ChunkOrder<TPayload>(int depth = 5)
{
    private readonly SortedDictionary<long, TPayload> _waiting = [];
    private long? _next;

    /// <summary>Chunks dropped because they came after their place had been played.</summary>
    public int Late { get; private set; }

    /// <summary>
    /// Takes one chunk; calls <paramref name="release"/> with every chunk now in order. False when the chunk was late and
    /// dropped (its payload is the caller's again).
    /// </summary>
    public bool Add(long? chunk, TPayload payload, Action<TPayload> release)
    {
        if (chunk is not { } n)
        {
            release(payload); // unnumbered (Vonage's binary frames): the socket's order is the order
            return true;
        }

        _next ??= n;
        if (n < _next)
        {
            Late++;
            return false;
        }

        if (n == _next && _waiting.Count == 0)
        {
            _next = n + 1;
            release(payload);
            return true;
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

        return true;
    }
}
