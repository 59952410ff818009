using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>The contract's concurrency, restart and cancellation facts.</summary>
public abstract partial class ConversationStoreContract
{
    [StoreFact]
    public async Task Twenty_concurrent_appends_and_their_retries_land_exactly_once()
    {
        await Store.CreateAsync(Id("many"), SessionSettings.Default).WaitAsync(Timeout);
        var turns = Enumerable.Range(1, 20).Select(i => Turn(i, $"user {i}", $"agent {i}")).ToArray();

        // Every turn twice, all at once: the second copy stands for a retry racing the first attempt.
        await Task.WhenAll(turns.Concat(turns).Select(t => Task.Run(() => Store.AppendTurnAsync(Id("many"), t)))).WaitAsync(Timeout);

        var messages = (await Store.GetAsync(Id("many")).WaitAsync(Timeout))!.Messages;
        messages.Count.ShouldBe(40);
        messages.Where(m => m.Role == StoredMessage.UserRole).Select(m => m.Text).Order().ShouldBe(turns.Select(t => t.UserText).Order());
        for (var i = 0; i < messages.Count; i += 2)
        {
            // Whatever order the turns landed in, each turn's two messages stay together, user first.
            messages[i + 1].Text.ShouldBe(messages[i].Text.Replace("user", "agent", StringComparison.Ordinal));
        }
    }

    [StoreFact]
    public async Task Concurrent_get_or_create_of_one_id_from_two_stores_yields_one_session()
    {
        var other = Durable ? await OpenAsync() : Store;
        var calls = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? Store : other).GetOrCreateAsync(Id("race"), new SessionSettings($"defaults {i}"))));
        var sessions = await Task.WhenAll(calls).WaitAsync(Timeout);

        sessions.Select(s => s.Settings).Distinct().Count().ShouldBe(1);
        sessions.Select(s => s.CreatedAt).Distinct().Count().ShouldBe(1);
        await Store.AppendTurnAsync(Id("race"), Turn(1, "hi")).WaitAsync(Timeout);
        (await other.GetAsync(Id("race")).WaitAsync(Timeout))!.Messages.Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task A_new_store_instance_on_the_same_database_sees_the_data_when_durable()
    {
        var settings = new SessionSettings("remember me", Tts: new TtsSettings("bob", "en"));
        await Store.CreateAsync(Id("restart"), settings).WaitAsync(Timeout);
        await Store.AppendTurnAsync(Id("restart"), Turn(1, "before the restart", "noted", interrupted: true)).WaitAsync(Timeout);
        var before = (await Store.GetAsync(Id("restart")).WaitAsync(Timeout))!;

        var restarted = await OpenAsync();
        var after = await restarted.GetAsync(Id("restart")).WaitAsync(Timeout);
        if (!Durable)
        {
            after.ShouldBeNull(); // documented: the in-memory store forgets everything with its instance
            return;
        }

        after.ShouldNotBeNull();
        after.Settings.ShouldBe(settings);
        after.CreatedAt.ShouldBe(before.CreatedAt);
        after.Messages.ShouldBe(before.Messages);
    }

    [StoreFact]
    public async Task A_cancelled_token_stops_every_operation_before_it_writes()
    {
        await Store.CreateAsync(Id("cancel"), SessionSettings.Default).WaitAsync(Timeout);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CreateAsync(Id("never"), SessionSettings.Default, cts.Token).WaitAsync(Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetOrCreateAsync(Id("never"), SessionSettings.Default, cts.Token).WaitAsync(Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetAsync(Id("cancel"), cts.Token).WaitAsync(Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendTurnAsync(Id("cancel"), Turn(1, "x"), cts.Token).WaitAsync(Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.DeleteAsync(Id("cancel"), cts.Token).WaitAsync(Timeout));

        (await Store.GetAsync(Id("never")).WaitAsync(Timeout)).ShouldBeNull();
        var kept = (await Store.GetAsync(Id("cancel")).WaitAsync(Timeout)).ShouldNotBeNull();
        kept.Messages.ShouldBeEmpty();
    }
}
