using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>Tenant isolation: every session is keyed by (tenant, id); one tenant's view never reaches another's rows.</summary>
public abstract partial class ConversationStoreContract
{
    private static readonly TenantId Alice = new("alice-app");
    private static readonly TenantId Bob = new("bob-app");

    [StoreFact]
    public Task The_host_store_acts_for_the_default_tenant_and_ForTenant_for_the_one_named()
    {
        Store.Tenant.ShouldBe(TenantId.Default);
        Store.ForTenant(Alice).Tenant.ShouldBe(Alice);
        Store.ForTenant(Alice).ForTenant(Bob).Tenant.ShouldBe(Bob);
        return Task.CompletedTask;
    }

    [StoreFact]
    public async Task One_id_used_by_two_tenants_is_two_separate_conversations()
    {
        var alice = Store.ForTenant(Alice);
        var bob = Store.ForTenant(Bob);
        await alice.CreateAsync(Id("shared"), new SessionSettings("Alice's private prompt")).WaitAsync(Timeout);
        // Not SessionExistsException: Bob's id space is his own, and must not reveal that Alice has this id.
        await bob.CreateAsync(Id("shared"), new SessionSettings("Bob's prompt")).WaitAsync(Timeout);
        await alice.AppendTurnAsync(Id("shared"), Turn(1, "alice asks", "alice hears")).WaitAsync(Timeout);
        await bob.AppendTurnAsync(Id("shared"), Turn(1, "bob asks", "bob hears")).WaitAsync(Timeout);

        var a = (await alice.GetAsync(Id("shared")).WaitAsync(Timeout)).ShouldNotBeNull();
        var b = (await bob.GetAsync(Id("shared")).WaitAsync(Timeout)).ShouldNotBeNull();
        a.Settings.SystemPrompt.ShouldBe("Alice's private prompt");
        a.Messages.Select(m => m.Text).ShouldBe(["alice asks", "alice hears"]);
        b.Settings.SystemPrompt.ShouldBe("Bob's prompt");
        b.Messages.Select(m => m.Text).ShouldBe(["bob asks", "bob hears"]);
        (await Store.GetAsync(Id("shared")).WaitAsync(Timeout)).ShouldBeNull();
    }

    [StoreFact]
    public async Task Another_tenant_cannot_read_append_to_delete_or_continue_a_session()
    {
        var alice = Store.ForTenant(Alice);
        var bob = Store.ForTenant(Bob);
        await alice.CreateAsync(Id("private"), new SessionSettings("secret")).WaitAsync(Timeout);
        await alice.AppendTurnAsync(Id("private"), Turn(1, "my bank pin is 1234", "noted")).WaitAsync(Timeout);

        (await bob.GetAsync(Id("private")).WaitAsync(Timeout)).ShouldBeNull();
        (await bob.DeleteAsync(Id("private")).WaitAsync(Timeout)).ShouldBeFalse();
        await Should.ThrowAsync<KeyNotFoundException>(() => bob.AppendTurnAsync(Id("private"), Turn(2, "injected")).WaitAsync(Timeout));

        // "Continue" it, as a call with that id does: Bob gets a new, empty session of his own.
        var continued = await bob.GetOrCreateAsync(Id("private"), new SessionSettings("bob defaults")).WaitAsync(Timeout);
        continued.Settings.SystemPrompt.ShouldBe("bob defaults");
        continued.Messages.ShouldBeEmpty();
        await bob.AppendTurnAsync(Id("private"), Turn(2, "bob's turn")).WaitAsync(Timeout);
        (await bob.DeleteAsync(Id("private")).WaitAsync(Timeout)).ShouldBeTrue();

        var kept = (await alice.GetAsync(Id("private")).WaitAsync(Timeout)).ShouldNotBeNull();
        kept.Settings.SystemPrompt.ShouldBe("secret");
        kept.Messages.Select(m => m.Text).ShouldBe(["my bank pin is 1234", "noted"]);
    }

    [StoreFact]
    public async Task A_tenant_view_of_another_store_instance_sees_the_same_rows()
    {
        if (!Durable)
        {
            return; // a second in-memory store is a second, empty memory
        }

        await Store.ForTenant(Alice).CreateAsync(Id("durable"), new SessionSettings("kept")).WaitAsync(Timeout);
        var restarted = await OpenAsync();
        (await restarted.ForTenant(Alice).GetAsync(Id("durable")).WaitAsync(Timeout))!.Settings.SystemPrompt.ShouldBe("kept");
        (await restarted.ForTenant(Bob).GetAsync(Id("durable")).WaitAsync(Timeout)).ShouldBeNull();
        (await restarted.GetAsync(Id("durable")).WaitAsync(Timeout)).ShouldBeNull();
    }
}
