using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Api.Tests.Recorded;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.Tools;

/// <summary>Tool calls on the recorded-question socket: tool events like the voice call's, tool messages in the history.</summary>
public sealed class ToolCallingRecordedTests
{
    [Fact]
    public async Task A_recorded_question_sends_tool_events_and_keeps_the_tool_messages()
    {
        var uploads = Directory.CreateTempSubdirectory("va-uploads-");
        try
        {
            await using var s = await ToolScenario.StartAsync(settings: new() { ["VoiceAgent:Recorded:StoragePath"] = uploads.FullName });
            await using var client = await RecordedSocketClient.ConnectAsync(s.Host, "/v1/chat/audio?session_id=recorded-tools");

            await client.SendAllAsync(RecordedSocketClient.Packets(TestAudio.FliteWav("what is the weather in paris"), 8192));
            var complete = await client.WaitForAsync("audio_complete");

            complete.GetProperty("assistant_response").GetString()!.ShouldContain("The answer is sunny and 21 degrees.");
            client.Events("tool").Select(t => (t.GetProperty("name").GetString(), t.GetProperty("status").GetString()))
                .ShouldBe([(s.ToolName, "started"), (s.ToolName, "done")]);
            s.Tool.Requests.Single().Header(Providers.Tools.ToolHeaders.SessionId).ShouldBe("recorded-tools");

            var stored = await s.Host.Service<IConversationStore>().GetAsync("recorded-tools").WaitAsync(ServiceHost.Timeout);
            stored!.Messages.Select(m => m.Role).ShouldBe(["user", ToolHistory.CallRole, ToolHistory.ResultRole, "assistant"]);
            stored.Messages[2].Text.ShouldContain("sunny and 21 degrees");
        }
        finally
        {
            uploads.Delete(true);
        }
    }
}
