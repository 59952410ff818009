using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tests.Sessions;

public sealed class ConversationTests
{
    [Fact]
    public void A_reply_pushed_out_of_the_early_closed_ones_is_handed_out_once_for_saving()
    {
        var conversation = new Conversation("c1", SessionSettings.Default);
        for (var i = 1; i <= 10; i++)
        {
            conversation.BeginReply(new TurnId(i), $"question {i}");
            conversation.SentenceSent(new TurnId(i), $"Answer {i}.");
        }

        // Replies 1 to 9 were closed by the next one's start before their transport ended them; eight can wait for that
        // end, so the oldest was pushed out: it is no longer any EndReply's, and goes to the next save instead.
        var evicted = conversation.TakeEvicted().ShouldHaveSingleItem();
        evicted.TurnId.ShouldBe(1);
        evicted.UserText.ShouldBe("question 1");
        evicted.AssistantText.ShouldBe("Answer 1.");
        evicted.Interrupted.ShouldBeTrue();
        conversation.TakeEvicted().ShouldBeEmpty();
        conversation.EndReply(new TurnId(1), interrupted: true).ShouldBeNull();
        conversation.EndReply(new TurnId(2), interrupted: true)!.TurnId.ShouldBe(2);
        conversation.History.Count.ShouldBe(18);
    }
}
