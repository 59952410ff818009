using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Vad;
using VoiceAgent.Providers.Embedded.Silero;
using VoiceAgent.Providers.Embedded.WebRtcVad;

namespace VoiceAgent.Api.Tests.VoiceCall;

/// <summary>The real host with <c>VoiceAgent:Vad:Provider=Silero</c> (the default): a spoken question is answered; a wrong model file stops the start.</summary>
public sealed class SileroVoiceCallTests
{
    [Fact]
    public async Task A_spoken_question_is_answered_with_the_silero_vad_and_health_names_it()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Vad:Provider"] = "Silero" });
        var health = await host.Http.GetFromJsonAsync<JsonElement>("/health").WaitAsync(ServiceHost.Timeout);
        var vad = health.GetProperty("engines").GetProperty("vad");
        vad.GetProperty("provider").GetString().ShouldBe("Silero");
        vad.GetProperty("status").GetString().ShouldBe("ready");
        host.Service<IVoiceActivityDetectorFactory>().ShouldBeOfType<SileroVadFactory>();

        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("silero-call", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1200));
        var end = await call.WaitForAsync("turn_end");

        var final = call.Json("asr").Single(a => a.GetProperty("final").GetBoolean());
        final.GetProperty("msg").GetString()!.ShouldContain("twelve");
        string.Concat(call.Json("text").Select(t => t.GetProperty("msg").GetString())).ShouldContain("84", customMessage: call.Describe());
        call.All.Count(r => r.Binary is not null).ShouldBeGreaterThan(10);
        end.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(final.GetProperty("turn_id").GetInt64());
    }

    [Theory]
    [InlineData(null, typeof(SileroVadFactory))]
    [InlineData("Silero", typeof(SileroVadFactory))]
    [InlineData("WebRtc", typeof(WebRtcVadFactory))]
    [InlineData("Embedded", typeof(WebRtcVadFactory))]
    public async Task The_provider_setting_chooses_the_vad_and_silero_is_the_default(string? provider, Type expected)
    {
        await using var host = await ServiceHost.StartAsync(provider is null ? null : new Dictionary<string, string?> { ["VoiceAgent:Vad:Provider"] = provider });
        host.Service<IVoiceActivityDetectorFactory>().ShouldBeOfType(expected);
    }

    [Fact]
    public async Task A_model_file_with_the_wrong_hash_stops_the_start_naming_the_expected_hash()
    {
        var dir = Directory.CreateTempSubdirectory("va-silero-");
        try
        {
            var wrong = Path.Combine(dir.FullName, "silero_vad.onnx");
            await File.WriteAllBytesAsync(wrong, new byte[4096]);
            var ex = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
            {
                ["VoiceAgent:Vad:Provider"] = "Silero",
                ["VoiceAgent:Vad:Silero:ModelPath"] = wrong,
            }));
            ex.Message.ShouldContain("1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3");
            ex.Message.ShouldContain(wrong);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
