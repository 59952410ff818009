using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.Tests.OpenAI;

public sealed class OpenAIEngineOptionsTests
{
    [Fact]
    public void Errors_name_the_configuration_key()
    {
        var options = new OpenAIEngineOptions { BaseUrl = "ftp://x", Model = "", Timeout = TimeSpan.Zero, MaxRetries = -1, AzureApiKeyHeader = true };

        var errors = options.Validate("VoiceAgent:Llm:OpenAI");

        errors.ShouldContain("VoiceAgent:Llm:OpenAI:BaseUrl must be an absolute http(s) URL.");
        errors.ShouldContain(e => e.StartsWith("VoiceAgent:Llm:OpenAI:Model is required"));
        errors.ShouldContain(e => e.StartsWith("VoiceAgent:Llm:OpenAI:Timeout"));
        errors.ShouldContain(e => e.StartsWith("VoiceAgent:Llm:OpenAI:MaxRetries"));
        errors.ShouldContain(e => e.StartsWith("VoiceAgent:Llm:OpenAI:ApiKey is required"));
        Should.Throw<InvalidOperationException>(() => OpenAIEngines.CreateChatClient(options)).Message.ShouldContain("VoiceAgent:Llm:OpenAI:BaseUrl");
    }

    [Fact]
    public void Valid_options_have_no_errors()
    {
        new OpenAIEngineOptions { Model = "gpt-4o-mini" }.Validate("S").ShouldBeEmpty();
    }

    [Fact]
    public void Keys_and_header_values_never_appear_in_text()
    {
        var options = new OpenAIEngineOptions { Model = "m", ApiKey = "sk-very-secret", Headers = { ["X-Gateway-Token"] = "tok-secret" } };

        var text = options.ToString();

        text.ShouldNotContain("sk-very-secret");
        text.ShouldNotContain("tok-secret");
        text.ShouldContain("X-Gateway-Token=***");
        string.Join(" ", new OpenAIEngineOptions { BaseUrl = "bad", ApiKey = "sk-very-secret" }.Validate("S")).ShouldNotContain("sk-very-secret");
    }
}
