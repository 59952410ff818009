using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Pipeline.Replies;

/// <summary>Where a reply's turns are kept: the session's conversation, and the store each finished turn is appended to.</summary>
public sealed record ReplyHistory(Conversation Conversation, IConversationStore Store);
