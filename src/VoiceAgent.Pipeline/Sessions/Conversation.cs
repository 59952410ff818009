using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// The live state of one conversation: its settings, its history, and the reply in progress. History gets only what the
/// listener was sent, so after a barge-in it holds the sentences heard before the interruption.
/// </summary>
public sealed class Conversation(string sessionId, SessionSettings settings, IEnumerable<ChatMessage>? history = null, TimeProvider? time = null)
{
    private readonly Lock _gate = new();
    private readonly List<ChatMessage> _history = [.. history ?? []];
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly System.Text.StringBuilder _sent = new();
    private readonly List<ChatMessage> _tools = [];
    private readonly List<int> _sentenceEnds = [];
    private int _playedChars;
    private TurnId _replyTurn = TurnId.None;
    private string _replyUserText = "";
    // Replies closed by a newer reply's start, waiting for their transport's EndReply. More than one can wait: a question
    // cut in two by a pause starts two replies in a row before the transport has ended the one they interrupted.
    private readonly List<CompletedTurn> _closedEarly = [];
    // Replies pushed out of _closedEarly (more than eight waiting): no EndReply will return them, so the transport's next
    // save takes them first (TakeEvicted).
    private readonly List<CompletedTurn> _evicted = [];

    public string SessionId { get; } = sessionId;

    public SessionSettings Settings { get; } = settings;

    /// <summary>The tenant (API-key name) the session belongs to, passed on to tools; null when unknown.</summary>
    public string? Tenant { get; init; }

    /// <summary>
    /// The transport learns what the listener actually heard (a phone carrier's marks): an interrupted reply keeps only
    /// the sentences confirmed by <see cref="SentencesPlayed"/>, not every sentence sent. A reply that ends normally keeps all.
    /// </summary>
    public bool HistoryFromPlayback { get; init; }

    public IReadOnlyList<ChatMessage> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>System prompt, history, then the new user message: the LLM's context for a turn.</summary>
    public IReadOnlyList<ChatMessage> BuildRequest(string userText)
    {
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrWhiteSpace(Settings.SystemPrompt))
        {
            messages.Add(new ChatMessage(ChatRole.System, Settings.SystemPrompt));
        }

        lock (_gate)
        {
            messages.AddRange(_history);
        }

        messages.Add(new ChatMessage(ChatRole.User, userText));
        return messages;
    }

    public ChatOptions? ChatOptions() => Settings.Llm is not { } llm
        ? null
        : new ChatOptions { ModelId = llm.Model, Temperature = llm.Temperature, TopP = llm.TopP, MaxOutputTokens = llm.MaxTokens };

    public void BeginReply(TurnId turn, string userText)
    {
        lock (_gate)
        {
            // An interruption confirmed by the recogniser's final can start the new reply before the transport has
            // delivered the interrupt: close the interrupted reply now, so the new request has it as context, and hand
            // it to the transport's EndReply for saving when the interrupt does arrive.
            if (_replyTurn != TurnId.None && _replyTurn != turn)
            {
                if (_closedEarly.Count == 8)
                {
                    // Its interrupt never reached the transport: it is in the history all the same, and is saved with the next turn.
                    _evicted.Add(_closedEarly[0]);
                    _closedEarly.RemoveAt(0);
                }

                _closedEarly.Add(Close(interrupted: true));
            }

            _replyTurn = turn;
            _replyUserText = userText;
            _sent.Clear();
            _tools.Clear();
            _sentenceEnds.Clear();
            _playedChars = 0;
        }
    }

    /// <summary>The tool calls and results of the reply of <paramref name="turn"/>, kept for history when the reply ends.</summary>
    public void ToolMessages(TurnId turn, IEnumerable<ChatMessage> messages)
    {
        lock (_gate)
        {
            if (turn == _replyTurn)
            {
                _tools.AddRange(messages);
            }
        }
    }

    public void SentenceSent(TurnId turn, string text)
    {
        lock (_gate)
        {
            if (turn == _replyTurn)
            {
                _sent.Append(text);
                _sentenceEnds.Add(_sent.Length);
            }
        }
    }

    /// <summary>The listener has heard the first <paramref name="count"/> sentences of <paramref name="turn"/>'s reply (see <see cref="HistoryFromPlayback"/>).</summary>
    public void SentencesPlayed(TurnId turn, int count)
    {
        lock (_gate)
        {
            if (turn == _replyTurn && count > 0 && _sentenceEnds.Count > 0)
            {
                _playedChars = Math.Max(_playedChars, _sentenceEnds[Math.Min(count, _sentenceEnds.Count) - 1]);
            }
        }
    }

    /// <summary>Closed replies whose end will never come (see <see cref="BeginReply"/>), oldest first, for the transport to save; each is handed out once.</summary>
    public IReadOnlyList<CompletedTurn> TakeEvicted()
    {
        lock (_gate)
        {
            if (_evicted.Count == 0)
            {
                return [];
            }

            List<CompletedTurn> taken = [.. _evicted];
            _evicted.Clear();
            return taken;
        }
    }

    /// <summary>Closes the reply of <paramref name="turn"/> into history; null when that reply is not the open one.</summary>
    public CompletedTurn? EndReply(TurnId turn, bool interrupted)
    {
        lock (_gate)
        {
            var early = _closedEarly.FindIndex(t => t.TurnId == turn.Value);
            if (early >= 0)
            {
                var closed = _closedEarly[early];
                _closedEarly.RemoveAt(early);
                return closed;
            }

            return turn != _replyTurn || _replyTurn == TurnId.None ? null : Close(interrupted);
        }
    }

    // Called under the lock.
    private CompletedTurn Close(bool interrupted)
    {
        var turn = _replyTurn;
        var assistant = (HistoryFromPlayback && interrupted ? _sent.ToString(0, _playedChars) : _sent.ToString()).Trim();
        var now = _time.GetUtcNow();
        _history.Add(new ChatMessage(ChatRole.User, _replyUserText));
        _history.AddRange(_tools);
        if (assistant.Length > 0)
        {
            _history.Add(new ChatMessage(ChatRole.Assistant, assistant));
        }

        var tools = ToolHistory.ToStored(_tools, now);
        _replyTurn = TurnId.None;
        _sent.Clear();
        _tools.Clear();
        _sentenceEnds.Clear();
        _playedChars = 0;
        return new CompletedTurn(turn.Value, _replyUserText, assistant, interrupted, now) { ToolMessages = tools };
    }
}
