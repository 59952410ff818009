using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Tests.Endpoints;

/// <summary>PROTOCOLS.md §1 against the real host and the embedded engines, checked the way the Agora engine reads it.</summary>
public sealed class AudioChatCompletionsTests : IAsyncLifetime
{
    private ServiceHost _host = null!;
    private CountingChatClient _llm = null!;
    private CountingTextToSpeechClient _tts = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync(services: s =>
        {
            s.AddSingleton(sp => new CountingChatClient(sp.GetRequiredKeyedService<IChatClient>("Embedded")));
            s.AddSingleton<IChatClient>(sp => sp.GetRequiredService<CountingChatClient>());
            s.AddSingleton(sp => new CountingTextToSpeechClient(sp.GetRequiredKeyedService<ITextToSpeechClient>("Embedded")));
            s.AddSingleton<ITextToSpeechClient>(sp => sp.GetRequiredService<CountingTextToSpeechClient>());
        });
        _llm = _host.Service<CountingChatClient>();
        _tts = _host.Service<CountingTextToSpeechClient>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task User_role_streams_transcripts_words_and_audio_in_the_agora_shape()
    {
        var reply = await StreamAsync(new { messages = new[] { new { role = "user", content = "what is twelve times seven" } }, stream = true, turn_id = 7, metadata = new { x = 1 } });

        reply.Transcript.ShouldContain("84");
        reply.FinishReason.ShouldBe("stop");
        _llm.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task Assistant_role_is_spoken_as_is_without_calling_the_llm_and_words_land_on_their_sound()
    {
        const string Text = "Hello there, and welcome. This is a test of the word timings. Goodbye now!";
        var reply = await StreamAsync(new
        {
            messages = new object[] { new { role = "user", content = "hi" }, new { role = "assistant", content = Text } },
            stream = true,
            modalities = new[] { "text", "audio" },
            audio = new { voice = "en-us", format = "pcm16" },
        });

        _llm.Calls.ShouldBe(0);
        reply.Transcript.ShouldBe(Text);
        reply.Sentences.ShouldBeGreaterThanOrEqualTo(3);
        reply.Words.Count.ShouldBeGreaterThanOrEqualTo(12);

        // Words are on the response's audio clock: each one's start is where its sound is.
        var samples = Pcm16.ToSamples(reply.Pcm);
        var quiet = 200.0;
        foreach (var w in reply.Words)
        {
            var from = (int)(w.Start * 16);
            var window = samples.AsSpan(Math.Min(from, samples.Length - 1), Math.Min(16 * 80, samples.Length - from));
            Pcm16.Rms(window).ShouldBeGreaterThan(quiet, $"no sound at '{w.Text}' ({w.Start} ms)");
        }

        // The last word ends inside the audio, and the audio is not much longer than the words.
        var audioMs = samples.Length / 16.0;
        ((double)reply.Words[^1].End).ShouldBeLessThanOrEqualTo(audioMs + 1);
        ((double)reply.Words[^1].End).ShouldBeGreaterThan(audioMs - 1500);
    }

    [Fact]
    public async Task History_is_the_llm_context()
    {
        var reply = await StreamAsync(new
        {
            messages = new object[]
            {
                new { role = "system", content = "You are a test." },
                new { role = "user", content = "my cat is called tom" },
                new { role = "assistant", audio = new { id = "a1", transcript = "Nice name." } },
                new { role = "user", content = new object[] { new { type = "text", text = "what did i just say" } } },
            },
            stream = true,
        });

        reply.Transcript.ShouldContain("my cat is called tom");
    }

    [Fact]
    public async Task Non_streamed_reply_is_one_chat_completion_with_all_the_audio()
    {
        using var response = await _host.Http.PostAsJsonAsync("/audio/chat/completions", new { messages = new[] { new { role = "user", content = "hello" } }, stream = false }).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        root.GetProperty("object").GetString().ShouldBe("chat.completion");
        root.GetProperty("id").GetString()!.ShouldStartWith("chatcmpl-");
        var message = root.GetProperty("choices")[0].GetProperty("message");
        message.GetProperty("role").GetString().ShouldBe("assistant");
        message.GetProperty("content").ValueKind.ShouldBe(JsonValueKind.Null);
        var audio = message.GetProperty("audio");
        audio.GetProperty("transcript").GetString()!.ShouldContain("Hello");
        var pcm = Convert.FromBase64String(audio.GetProperty("data").GetString()!);
        pcm.Length.ShouldBeGreaterThan(16_000);
        audio.GetProperty("words").GetArrayLength().ShouldBeGreaterThan(2);
        audio.GetProperty("expires_at").GetInt64().ShouldBeGreaterThan(0);
        root.GetProperty("choices")[0].GetProperty("finish_reason").GetString().ShouldBe("stop");
        root.GetProperty("usage").GetProperty("total_tokens").GetInt32().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Text_modality_streams_content_and_no_audio()
    {
        using var response = await PostAsync(new { messages = new[] { new { role = "user", content = "what is three plus four" } }, stream = true, modalities = new[] { "text" } });
        var events = await SseReader.ReadAllAsync(response).WaitAsync(ServiceHost.Timeout);
        var text = new StringBuilder();
        foreach (var e in events)
        {
            var delta = e.GetProperty("choices")[0].GetProperty("delta");
            delta.TryGetProperty("audio", out _).ShouldBeFalse();
            if (delta.TryGetProperty("content", out var c))
            {
                text.Append(c.GetString());
            }
        }

        text.ToString().ShouldContain("7");
        events[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString().ShouldBe("stop");
    }

    [Fact]
    public async Task A_repeated_greeting_streams_from_the_synthesis_cache()
    {
        var body = new { messages = new[] { new { role = "assistant", content = "Hi! How can I help you today?" } }, stream = true };
        var first = await StreamAsync(body);
        var calls = _tts.Calls;
        calls.ShouldBeGreaterThan(0);
        var second = await StreamAsync(body);
        _tts.Calls.ShouldBe(calls);
        second.Transcript.ShouldBe(first.Transcript);
        second.Pcm.ShouldBe(first.Pcm);
        second.Words.ShouldBe(first.Words);
    }

    [Fact]
    public async Task A_client_that_disconnects_stops_the_work()
    {
        // The host and its counting TTS are shared by this class's tests: count only this test's calls.
        var before = _tts.Calls;
        _tts.Delay = TimeSpan.FromMilliseconds(100);
        var text = string.Join(" ", Enumerable.Range(1, 60).Select(i => $"This is sentence {i}."));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/audio/chat/completions") { Content = JsonContent.Create(new { messages = new[] { new { role = "assistant", content = text } }, stream = true }) };
        // No draining on dispose: the connection closes the moment the response is dropped, as a caller hanging up does.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = _host.Address };
        client.DefaultRequestHeaders.Authorization = _host.Http.DefaultRequestHeaders.Authorization;
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServiceHost.Timeout))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[4096];
            await stream.ReadAsync(buffer).AsTask().WaitAsync(ServiceHost.Timeout);
        }

        await Task.Delay(1000);
        var after = _tts.Calls;
        await Task.Delay(1000);
        _tts.Calls.ShouldBe(after, "synthesis went on after the client left");
        (after - before).ShouldBeLessThan(30);
    }

    [Fact]
    public async Task A_failing_llm_mid_reply_speaks_the_failure_message_then_an_error_chunk()
    {
        _llm.FailWith = (3, new HttpRequestException("upstream reset"));
        using var response = await PostAsync(new { messages = new[] { new { role = "user", content = "what is twelve times seven" } }, stream = true });
        var events = await SseReader.ReadAllAsync(response).WaitAsync(ServiceHost.Timeout);
        var transcripts = string.Concat(events.Where(e => e.TryGetProperty("choices", out _)).Select(Delta).Where(d => d.TryGetProperty("audio", out var a) && a.TryGetProperty("transcript", out _)).Select(d => d.GetProperty("audio").GetProperty("transcript").GetString()));
        transcripts.ShouldContain("Sorry, I'm having trouble answering right now.");
        events.Any(e => e.TryGetProperty("choices", out _) && Delta(e).TryGetProperty("audio", out var a) && a.TryGetProperty("data", out var d) && d.GetString()!.Length > 0).ShouldBeTrue();
        var last = events[^1];
        last.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("upstream reset");

        using var plain = await _host.Http.PostAsJsonAsync("/audio/chat/completions", new { messages = new[] { new { role = "user", content = "hello" } } }).WaitAsync(ServiceHost.Timeout);
        plain.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await plain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()!.ShouldContain("upstream reset");
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"stream\":true}", "'messages' is required")]
    [InlineData("{\"messages\":[]}", "'messages' is required")]
    [InlineData("{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "role 'wizard' is unknown")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":42}]}", "content must be a string")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"audio\":{\"voice\":\"no-such-voice\"}}", "Unknown voice")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"}", "'temperature' must be a number")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"modalities\":[\"video\"]}", "'modalities' may only contain")]
    public async Task Bad_requests_get_400_in_the_openai_error_shape(string body, string expected)
    {
        using var response = await _host.Http.PostAsync("/audio/chat/completions", new StringContent(body, Encoding.UTF8, "application/json")).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("message").GetString()!.ShouldContain(expected);
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
        _llm.Calls.ShouldBe(0);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var huge = new string('a', 1024 * 1024 + 10);
        using var response = await _host.Http.PostAsync("/audio/chat/completions", new StringContent($"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{huge}\"}}]}}", Encoding.UTF8, "application/json")).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().ShouldBe("body_too_large");
    }

    [Fact]
    public async Task Missing_bearer_gets_401()
    {
        using var client = new HttpClient { BaseAddress = _host.Address };
        using var response = await client.PostAsJsonAsync("/audio/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } } }).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().ShouldBe("invalid_api_key");
    }

    private Task<HttpResponseMessage> PostAsync(object body) =>
        _host.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/audio/chat/completions") { Content = JsonContent.Create(body) }, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServiceHost.Timeout);

    private static JsonElement Delta(JsonElement e) => e.GetProperty("choices")[0].GetProperty("delta");

    /// <summary>Reads a whole audio-modality stream and checks every chunk against §1 on the way.</summary>
    private async Task<AudioReply> StreamAsync(object body)
    {
        using var response = await PostAsync(body);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await SseReader.ReadAllAsync(response).WaitAsync(ServiceHost.Timeout);
        events.Count.ShouldBeGreaterThan(3);
        var id = events[0].GetProperty("id").GetString()!;
        id.ShouldStartWith("chatcmpl-");
        var first = Delta(events[0]);
        first.GetProperty("role").GetString().ShouldBe("assistant");
        var audioId = first.GetProperty("audio").GetProperty("id").GetString()!;
        first.GetProperty("audio").GetProperty("data").GetString().ShouldBe("");

        var transcript = new StringBuilder();
        var pcm = new List<byte>();
        var words = new List<Word>();
        var sentences = 0;
        var audioSinceTranscript = true;
        string? finish = null;
        foreach (var e in events)
        {
            e.GetProperty("id").GetString().ShouldBe(id);
            e.GetProperty("object").GetString().ShouldBe("chat.completion.chunk");
            e.GetProperty("created").GetInt64().ShouldBeGreaterThan(0);
            e.GetProperty("model").GetString().ShouldNotBeNullOrEmpty();
            var choice = e.GetProperty("choices")[0];
            choice.GetProperty("index").GetInt32().ShouldBe(0);
            var delta = choice.GetProperty("delta");
            if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
            {
                finish = choice.GetProperty("finish_reason").GetString();
                delta.EnumerateObject().ShouldBeEmpty();
                continue;
            }

            finish.ShouldBeNull("nothing may follow the finish chunk");
            if (!delta.TryGetProperty("audio", out var audio))
            {
                continue;
            }

            audio.GetProperty("id").GetString().ShouldBe(audioId);
            if (audio.TryGetProperty("transcript", out var t))
            {
                audioSinceTranscript.ShouldBeTrue("two transcripts with no audio between them");
                audioSinceTranscript = false;
                sentences++;
                transcript.Append(t.GetString());
                foreach (var w in audio.GetProperty("words").EnumerateArray())
                {
                    var word = new Word(w.GetProperty("text").GetString()!, w.GetProperty("start_ts").GetInt64(), w.GetProperty("end_ts").GetInt64(), w.GetProperty("duration").GetInt64());
                    word.Duration.ShouldBe(word.End - word.Start);
                    word.Start.ShouldBeGreaterThanOrEqualTo(pcm.Count / 32, "a word starts before audio already sent");
                    if (words.Count > 0)
                    {
                        word.Start.ShouldBeGreaterThanOrEqualTo(words[^1].Start);
                    }

                    words.Add(word);
                }
            }
            else if (audio.TryGetProperty("data", out var data) && data.GetString() is { Length: > 0 } b64)
            {
                var bytes = Convert.FromBase64String(b64);
                bytes.Length.ShouldBeLessThanOrEqualTo(1280, "audio chunks are at most 40 ms");
                (bytes.Length % 2).ShouldBe(0);
                audioSinceTranscript = true;
                pcm.AddRange(bytes);
            }
        }

        finish.ShouldNotBeNull();
        return new AudioReply(transcript.ToString(), [.. pcm], words, sentences, finish);
    }

    private sealed record Word(string Text, long Start, long End, long Duration);

    private sealed record AudioReply(string Transcript, byte[] Pcm, List<Word> Words, int Sentences, string FinishReason);
}
