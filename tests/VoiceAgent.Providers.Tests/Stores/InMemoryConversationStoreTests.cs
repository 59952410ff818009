using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>The store contract against the in-memory store.</summary>
public sealed class InMemoryConversationStoreTests : ConversationStoreContract
{
    protected override bool Durable => false;

    protected override IConversationStore NewStore() => new InMemoryConversationStore();
}
