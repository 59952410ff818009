using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Tests.Stores;

public abstract partial class ConversationStoreContract
{
    [StoreFact]
    public async Task A_turns_tool_calls_and_results_come_back_between_its_user_and_assistant_messages()
    {
        await Store.CreateAsync(Id("tools"), SessionSettings.Default).WaitAsync(Timeout);
        var at = T0.AddSeconds(7);
        var tools = new[]
        {
            new StoredMessage(ToolHistory.CallRole, """{"Id":"c1","Name":"get_weather","Arguments":{"city":"Oslo"}}""", at),
            new StoredMessage(ToolHistory.ResultRole, """{"Id":"c1","Result":"snow, -3 °C"}""", at),
        };
        await Store.AppendTurnAsync(Id("tools"), new CompletedTurn(7, "weather?", "It snows.", false, at) { ToolMessages = tools }).WaitAsync(Timeout);
        await Store.AppendTurnAsync(Id("tools"), Turn(8, "thanks", "You're welcome.")).WaitAsync(Timeout);

        var messages = (await Store.GetAsync(Id("tools")).WaitAsync(Timeout))!.Messages;

        messages.Select(m => m.Role).ShouldBe(["user", ToolHistory.CallRole, ToolHistory.ResultRole, "assistant", "user", "assistant"]);
        messages[1].Text.ShouldBe(tools[0].Text);
        messages[2].Text.ShouldContain("snow, -3 °C");
    }
}
