using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>
/// What every <see cref="IConversationStore"/> must do, written once and run against each store by a concrete subclass.
/// Each test uses ids of its own, so a database shared by a class's tests needs no cleaning between them.
/// </summary>
public abstract partial class ConversationStoreContract : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 15, 7, 0, TimeSpan.Zero);

    private readonly string _prefix = Guid.NewGuid().ToString("N")[..12];
    private readonly List<IConversationStore> _opened = [];

    /// <summary>The store under test, initialised.</summary>
    protected IConversationStore Store { get; private set; } = null!;

    /// <summary>False for a store whose data does not outlive the instance (the in-memory one).</summary>
    protected abstract bool Durable { get; }

    /// <summary>A new store instance on the same database, as a restarted host or a second host would open it.</summary>
    protected abstract IConversationStore NewStore();

    public virtual async Task InitializeAsync() => Store = await OpenAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            switch (store)
            {
                case IAsyncDisposable a:
                    await a.DisposeAsync().AsTask().WaitAsync(Timeout);
                    break;
                case IDisposable d:
                    d.Dispose();
                    break;
            }
        }
    }

    protected async Task<IConversationStore> OpenAsync()
    {
        var store = NewStore();
        _opened.Add(store);
        await store.InitializeAsync().WaitAsync(Timeout);
        return store;
    }

    protected string Id(string name) => $"{_prefix}-{name}";

    protected static CompletedTurn Turn(long id, string user, string assistant = "", bool interrupted = false) =>
        new(id, user, assistant, interrupted, T0.AddSeconds(id).AddMilliseconds(123));

    [StoreFact]
    public async Task Create_then_get_returns_the_settings_and_an_empty_history()
    {
        var settings = new SessionSettings("Be brief.", new LlmSettings("m1", 0.5f), new TtsSettings("alice"));
        var created = await Store.CreateAsync(Id("a"), settings).WaitAsync(Timeout);
        created.SessionId.ShouldBe(Id("a"));
        created.Messages.ShouldBeEmpty();

        var read = (await Store.GetAsync(Id("a")).WaitAsync(Timeout)).ShouldNotBeNull();
        read.Settings.ShouldBe(settings);
        read.Messages.ShouldBeEmpty();
        read.CreatedAt.ShouldBe(created.CreatedAt);
    }

    [StoreFact]
    public async Task Create_without_an_id_generates_a_valid_new_one()
    {
        var first = await Store.CreateAsync(null, SessionSettings.Default).WaitAsync(Timeout);
        var second = await Store.CreateAsync(null, SessionSettings.Default).WaitAsync(Timeout);
        SessionIdFormat.IsValid(first.SessionId).ShouldBeTrue();
        first.SessionId.ShouldNotBe(second.SessionId);
        (await Store.GetAsync(first.SessionId).WaitAsync(Timeout)).ShouldNotBeNull();
    }

    [StoreFact]
    public async Task Create_with_a_taken_id_throws_and_keeps_the_first_session()
    {
        await Store.CreateAsync(Id("taken"), new SessionSettings("first")).WaitAsync(Timeout);
        var ex = await Should.ThrowAsync<SessionExistsException>(() => Store.CreateAsync(Id("taken"), new SessionSettings("second")).WaitAsync(Timeout));
        ex.SessionId.ShouldBe(Id("taken"));
        (await Store.GetAsync(Id("taken")).WaitAsync(Timeout))!.Settings.SystemPrompt.ShouldBe("first");
    }

    [StoreFact]
    public async Task Unknown_ids_read_as_null_and_delete_as_false()
    {
        (await Store.GetAsync(Id("nobody")).WaitAsync(Timeout)).ShouldBeNull();
        (await Store.DeleteAsync(Id("nobody")).WaitAsync(Timeout)).ShouldBeFalse();
        await Should.ThrowAsync<KeyNotFoundException>(() => Store.AppendTurnAsync(Id("nobody"), Turn(1, "hi")).WaitAsync(Timeout));
    }

    [StoreFact]
    public async Task Invalid_ids_are_refused_with_ArgumentException()
    {
        string[] invalid = ["", "has space", "slash/", "naïve", "emoji😀", "semi;colon", new string('a', 129)];
        foreach (var id in invalid)
        {
            await Should.ThrowAsync<ArgumentException>(() => Store.CreateAsync(id, SessionSettings.Default).WaitAsync(Timeout));
            await Should.ThrowAsync<ArgumentException>(() => Store.GetAsync(id).WaitAsync(Timeout));
            await Should.ThrowAsync<ArgumentException>(() => Store.GetOrCreateAsync(id, SessionSettings.Default).WaitAsync(Timeout));
            await Should.ThrowAsync<ArgumentException>(() => Store.AppendTurnAsync(id, Turn(1, "x")).WaitAsync(Timeout));
            await Should.ThrowAsync<ArgumentException>(() => Store.DeleteAsync(id).WaitAsync(Timeout));
        }

        var longest = $"{Id("")}{new string('z', 128 - Id("").Length)}";
        (await Store.CreateAsync(longest, SessionSettings.Default).WaitAsync(Timeout)).SessionId.ShouldBe(longest);
        (await Store.CreateAsync(Id("A-b_c.d:9"), SessionSettings.Default).WaitAsync(Timeout)).SessionId.ShouldBe(Id("A-b_c.d:9"));
    }

    [StoreFact]
    public async Task Get_or_create_creates_with_the_defaults_once_then_returns_the_existing_session()
    {
        var created = await Store.GetOrCreateAsync(Id("goc"), new SessionSettings("defaults")).WaitAsync(Timeout);
        created.Settings.SystemPrompt.ShouldBe("defaults");
        await Store.AppendTurnAsync(Id("goc"), Turn(1, "hello", "hi there")).WaitAsync(Timeout);

        var again = await Store.GetOrCreateAsync(Id("goc"), new SessionSettings("other defaults")).WaitAsync(Timeout);
        again.Settings.SystemPrompt.ShouldBe("defaults");
        again.CreatedAt.ShouldBe(created.CreatedAt);
        again.Messages.Select(m => m.Text).ShouldBe(["hello", "hi there"]);
    }

    [StoreFact]
    public async Task Appended_turns_come_back_in_order_with_roles_flags_and_times()
    {
        await Store.CreateAsync(Id("order"), SessionSettings.Default).WaitAsync(Timeout);
        CompletedTurn[] turns =
        [
            Turn(1, "one", "reply one"),
            Turn(2, "two", "reply t", interrupted: true),
            Turn(3, "three"), // barged in before any sentence was heard: no assistant message
            Turn(4, "four", "reply four"),
        ];
        foreach (var turn in turns)
        {
            await Store.AppendTurnAsync(Id("order"), turn).WaitAsync(Timeout);
        }

        var messages = (await Store.GetAsync(Id("order")).WaitAsync(Timeout))!.Messages;
        messages.ShouldBe(
        [
            new StoredMessage("user", "one", turns[0].CompletedAt),
            new StoredMessage("assistant", "reply one", turns[0].CompletedAt),
            new StoredMessage("user", "two", turns[1].CompletedAt),
            new StoredMessage("assistant", "reply t", turns[1].CompletedAt, Interrupted: true),
            new StoredMessage("user", "three", turns[2].CompletedAt),
            new StoredMessage("user", "four", turns[3].CompletedAt),
            new StoredMessage("assistant", "reply four", turns[3].CompletedAt),
        ]);
    }

    [StoreFact]
    public async Task History_converts_to_the_chat_messages_a_conversation_is_built_from()
    {
        await Store.CreateAsync(Id("chat"), SessionSettings.Default).WaitAsync(Timeout);
        await Store.AppendTurnAsync(Id("chat"), Turn(1, "你好", "你好！有什么可以帮你？")).WaitAsync(Timeout);
        var chat = (await Store.GetAsync(Id("chat")).WaitAsync(Timeout))!.ToChatMessages();
        chat.Select(m => (m.Role, m.Text)).ShouldBe([(ChatRole.User, "你好"), (ChatRole.Assistant, "你好！有什么可以帮你？")]);
    }

    [StoreFact]
    public async Task Settings_round_trip_with_nulls_values_and_chinese_text()
    {
        SessionSettings[] cases =
        [
            SessionSettings.Default,
            new(null, new LlmSettings(), new TtsSettings()),
            new("你是一个乐于助人的语音助手。请用中文简短回答。\n\"quotes\" and \\ backslash 😀",
                new LlmSettings("qwen2.5:7b-中文", 0.7f, 0.95f, 256),
                new TtsSettings("zh-CN-晓晓", "zh", 1.25f)),
            new("", new LlmSettings(Temperature: 0f, MaxTokens: 0), new TtsSettings(Speed: float.Epsilon)),
        ];
        for (var i = 0; i < cases.Length; i++)
        {
            await Store.CreateAsync(Id($"s{i}"), cases[i]).WaitAsync(Timeout);
            (await Store.GetAsync(Id($"s{i}")).WaitAsync(Timeout))!.Settings.ShouldBe(cases[i]);
        }
    }

    [StoreFact]
    public async Task Appending_the_same_turn_again_does_not_duplicate_it()
    {
        await Store.CreateAsync(Id("idem"), SessionSettings.Default).WaitAsync(Timeout);
        var turn = Turn(7, "again?", "once");
        await Store.AppendTurnAsync(Id("idem"), turn).WaitAsync(Timeout);
        await Store.AppendTurnAsync(Id("idem"), turn).WaitAsync(Timeout);
        await Store.AppendTurnAsync(Id("idem"), turn with { UserText = "a retry carries the same key" }).WaitAsync(Timeout);
        (await Store.GetAsync(Id("idem")).WaitAsync(Timeout))!.Messages.Count.ShouldBe(2);

        // The same turn id at another time is another turn (turn ids restart with every call).
        await Store.AppendTurnAsync(Id("idem"), turn with { CompletedAt = turn.CompletedAt.AddMinutes(5) }).WaitAsync(Timeout);
        (await Store.GetAsync(Id("idem")).WaitAsync(Timeout))!.Messages.Count.ShouldBe(4);
    }

    [StoreFact]
    public async Task Delete_removes_the_session_and_its_history()
    {
        await Store.CreateAsync(Id("del"), new SessionSettings("x")).WaitAsync(Timeout);
        await Store.AppendTurnAsync(Id("del"), Turn(1, "hello", "hi")).WaitAsync(Timeout);
        (await Store.DeleteAsync(Id("del")).WaitAsync(Timeout)).ShouldBeTrue();
        (await Store.GetAsync(Id("del")).WaitAsync(Timeout)).ShouldBeNull();
        (await Store.DeleteAsync(Id("del")).WaitAsync(Timeout)).ShouldBeFalse();
        await Should.ThrowAsync<KeyNotFoundException>(() => Store.AppendTurnAsync(Id("del"), Turn(2, "late")).WaitAsync(Timeout));

        var reborn = await Store.CreateAsync(Id("del"), SessionSettings.Default).WaitAsync(Timeout);
        reborn.Messages.ShouldBeEmpty();
        (await Store.GetAsync(Id("del")).WaitAsync(Timeout))!.Messages.ShouldBeEmpty();
    }
}
