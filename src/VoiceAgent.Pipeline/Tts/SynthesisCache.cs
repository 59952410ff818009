namespace VoiceAgent.Pipeline.Tts;

/// <summary>
/// Remembers finished syntheses of texts that repeat verbatim (greetings, failure and silence messages), bounded by
/// bytes, least recently used out first. Thread-safe.
/// </summary>
public sealed class SynthesisCache(long maxBytes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<SynthesisKey, LinkedListNode<(SynthesisKey Key, CachedSynthesis Value)>> _map = [];
    private readonly LinkedList<(SynthesisKey Key, CachedSynthesis Value)> _lru = new();
    private long _bytes;

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _map.Count;
            }
        }
    }

    public bool TryGet(SynthesisKey key, out CachedSynthesis? value)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public void Add(SynthesisKey key, CachedSynthesis value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var size = value.Bytes + (key.Text.Length * 2);
        if (size > maxBytes)
        {
            return;
        }

        lock (_gate)
        {
            if (_map.Remove(key, out var old))
            {
                _lru.Remove(old);
                _bytes -= old.Value.Value.Bytes + (key.Text.Length * 2);
            }

            while (_bytes + size > maxBytes && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Key);
                _bytes -= last.Value.Value.Bytes + (last.Value.Key.Text.Length * 2);
            }

            _map[key] = _lru.AddFirst((key, value));
            _bytes += size;
        }
    }
}

/// <summary>What makes two syntheses the same: the text, the voice, the output rate and the speed.</summary>
public readonly record struct SynthesisKey(string Text, string Voice, int SampleRate, float Speed);

/// <summary>A finished synthesis: its sentences, each with its words and its audio chunks.</summary>
public sealed record CachedSynthesis(IReadOnlyList<CachedSentence> Sentences)
{
    public long Bytes { get; } = Sentences.Sum(s => s.Chunks.Sum(c => (long)c.Length) + 64);
}

/// <summary>One sentence of a <see cref="CachedSynthesis"/>.</summary>
public sealed record CachedSentence(string Text, IReadOnlyList<WordTiming> Words, IReadOnlyList<ReadOnlyMemory<byte>> Chunks);
