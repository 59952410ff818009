using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Tests.Fakes;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Providers.Tests.Tools;

public sealed class ToolCatalogTests
{
    [Fact]
    public async Task Built_ins_are_off_unless_named_and_a_session_narrows_the_set()
    {
        using var meters = new TestMeterFactory();
        var metrics = new ToolMetrics(meters);
        var none = new ToolCatalog(new ToolSourcesOptions(), BuiltInTools.Create([], "UTC", TimeProvider.System), [], null, metrics, TimeProvider.System);
        none.ToolsFor(new ToolScope("s")).ShouldBeEmpty();

        var options = new ToolSourcesOptions { BuiltIn = [ToolNames.EndCall, ToolNames.CurrentTime], TimeZone = "Europe/Paris" };
        var catalog = new ToolCatalog(options, BuiltInTools.Create(options.BuiltIn, options.TimeZone, TimeProvider.System), [], null, metrics, TimeProvider.System);
        catalog.ToolsFor(new ToolScope("s")).Select(t => t.Name).ShouldBe([ToolNames.EndCall, ToolNames.CurrentTime]);
        catalog.ToolsFor(new ToolScope("s", Enabled: [ToolNames.CurrentTime])).Select(t => t.Name).ShouldBe([ToolNames.CurrentTime]);
        catalog.ToolsFor(new ToolScope("s", Enabled: [])).ShouldBeEmpty();

        var time = (await catalog.ToolsFor(new ToolScope("s"))[1].InvokeAsync(new AIFunctionArguments()))!.ToString()!;
        time.ShouldContain("Europe/Paris");
    }

    [Fact]
    public void Unknown_built_ins_and_time_zones_are_refused_with_their_key()
    {
        Should.Throw<ArgumentException>(() => BuiltInTools.Create(["hang_up"], "UTC", TimeProvider.System)).Message.ShouldContain("hang_up");
        Should.Throw<ArgumentException>(() => BuiltInTools.Create([ToolNames.CurrentTime], "Mars/Olympus", TimeProvider.System)).Message.ShouldContain("TimeZone");
    }

    [Fact]
    public void Tool_calls_and_results_survive_the_stored_form()
    {
        var at = DateTimeOffset.UnixEpoch;
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "snow")]);

        var stored = ToolHistory.ToStored([call, result], at);
        var back = stored.Select(ToolHistory.ToChat).ToList();

        stored.Select(s => s.Role).ShouldBe([ToolHistory.CallRole, ToolHistory.ResultRole]);
        var c = back[0].Contents.OfType<FunctionCallContent>().Single();
        (c.CallId, c.Name, c.Arguments!["city"]!.ToString()).ShouldBe(("c1", "get_weather", "Oslo"));
        back[1].Role.ShouldBe(ChatRole.Tool);
        back[1].Contents.OfType<FunctionResultContent>().Single().Result!.ToString().ShouldBe("snow");
    }
}
