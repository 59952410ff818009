using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Embedded.Dialogue;

namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class DialogueChatClientTests
{
    private static async Task<List<ChatResponseUpdate>> StreamAsync(
        DialogueChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await using var e = client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await e.MoveNextAsync().AsTask().WaitAsync(Dialogue.Timeout, cancellationToken))
        {
            updates.Add(e.Current);
        }

        return updates;
    }

    [Theory]
    [InlineData("what is twelve times seven")]
    [InlineData("who are you")]
    [InlineData("你是谁")]
    [InlineData("现在几点")]
    [InlineData("what is the capital of france")]
    public async Task Streamed_text_concatenates_to_the_non_streamed_text(string question)
    {
        var client = Dialogue.Client();
        var whole = await client.GetResponseAsync(Dialogue.Messages(question)).WaitAsync(Dialogue.Timeout);
        var updates = await StreamAsync(client, Dialogue.Messages(question));

        string.Concat(updates.Select(u => u.Text)).ShouldBe(whole.Text);
        updates.ToChatResponse().Text.ShouldBe(whole.Text);
        updates.Count.ShouldBeGreaterThan(2);
        whole.FinishReason.ShouldBe(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Streams_english_word_by_word_and_chinese_character_by_character()
    {
        var client = Dialogue.Client();
        var english = await StreamAsync(client, Dialogue.Messages("what is twelve times seven"));
        english.Where(u => u.Text.Length > 0).Select(u => u.Text).ShouldBe(["Twelve", " times", " seven", " is", " 84."]);

        var chinese = await StreamAsync(client, Dialogue.Messages("三加四等于多少"));
        chinese.Where(u => u.Text.Length > 0).Select(u => u.Text).ShouldBe(["三", "加", "四", "等", "于", "7。"]);
    }

    [Fact]
    public async Task The_last_update_carries_stop_and_usage()
    {
        var updates = await StreamAsync(Dialogue.Client(), Dialogue.Messages("what is twelve times seven"));
        var last = updates[^1];
        last.FinishReason.ShouldBe(ChatFinishReason.Stop);
        last.Text.ShouldBeEmpty();
        var usage = last.Contents.OfType<UsageContent>().Single().Details;
        usage.OutputTokenCount.ShouldBe(5);
        // "You are a helpful voice assistant." (6) + "what is twelve times seven" (5).
        usage.InputTokenCount.ShouldBe(11);
        usage.TotalTokenCount.ShouldBe(16);
        updates.SkipLast(1).ShouldAllBe(u => u.FinishReason == null);
        updates.Select(u => u.ResponseId).Distinct().Count().ShouldBe(1);
        updates.ShouldAllBe(u => u.Role == ChatRole.Assistant && u.ModelId == DialogueChatClient.DefaultModelId);
    }

    [Fact]
    public async Task Non_streamed_response_reports_usage()
    {
        var response = await Dialogue.Client().GetResponseAsync(Dialogue.Messages("hello")).WaitAsync(Dialogue.Timeout);
        response.Usage!.OutputTokenCount.ShouldBe(8);
        response.ModelId.ShouldBe(DialogueChatClient.DefaultModelId);
        response.Messages.Single().Role.ShouldBe(ChatRole.Assistant);
        response.CreatedAt.ShouldBe(Dialogue.Now);
    }

    [Fact]
    public async Task MaxOutputTokens_truncates_with_finish_reason_length()
    {
        var client = Dialogue.Client();
        var options = new ChatOptions { MaxOutputTokens = 3 };
        var whole = await client.GetResponseAsync(Dialogue.Messages("what is twelve times seven"), options).WaitAsync(Dialogue.Timeout);
        whole.Text.ShouldBe("Twelve times seven");
        whole.FinishReason.ShouldBe(ChatFinishReason.Length);
        whole.Usage!.OutputTokenCount.ShouldBe(3);

        var updates = await StreamAsync(client, Dialogue.Messages("what is twelve times seven"), options);
        string.Concat(updates.Select(u => u.Text)).ShouldBe("Twelve times seven");
        updates[^1].FinishReason.ShouldBe(ChatFinishReason.Length);

        var roomy = await client.GetResponseAsync(Dialogue.Messages("what is twelve times seven"), new ChatOptions { MaxOutputTokens = 5 }).WaitAsync(Dialogue.Timeout);
        roomy.FinishReason.ShouldBe(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Streaming_stops_when_cancelled_between_updates()
    {
        using var cts = new CancellationTokenSource();
        var client = Dialogue.Client();
        await using var e = client.GetStreamingResponseAsync(Dialogue.Messages("who are you"), cancellationToken: cts.Token).GetAsyncEnumerator();
        (await e.MoveNextAsync().AsTask().WaitAsync(Dialogue.Timeout)).ShouldBeTrue();
        e.Current.Text.ShouldBe("I'm");

        await cts.CancelAsync().WaitAsync(Dialogue.Timeout);
        await Should.ThrowAsync<OperationCanceledException>(() => e.MoveNextAsync().AsTask().WaitAsync(Dialogue.Timeout));
    }

    [Fact]
    public async Task An_already_cancelled_token_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync().WaitAsync(Dialogue.Timeout);
        var client = Dialogue.Client();
        await Should.ThrowAsync<OperationCanceledException>(() => client.GetResponseAsync(Dialogue.Messages("hello"), null, cts.Token).WaitAsync(Dialogue.Timeout));
        await Should.ThrowAsync<OperationCanceledException>(() => StreamAsync(client, Dialogue.Messages("hello"), null, cts.Token).WaitAsync(Dialogue.Timeout));
    }

    [Fact]
    public void GetService_returns_itself_and_its_metadata()
    {
        using var client = Dialogue.Client();
        client.GetService<IChatClient>().ShouldBeSameAs(client);
        client.GetService<DialogueChatClient>().ShouldBeSameAs(client);
        client.GetService<ChatClientMetadata>()!.DefaultModelId.ShouldBe(DialogueChatClient.DefaultModelId);
        client.GetService<IChatClient>("some key").ShouldBeNull();
        client.GetService<string>().ShouldBeNull();
    }

    [Fact]
    public async Task Answers_are_deterministic_and_system_messages_do_not_change_them()
    {
        var client = Dialogue.Client();
        var a = await client.AskAsync("what is two plus two");
        var b = await client.GetResponseAsync([new(ChatRole.System, "Answer in French."), new(ChatRole.User, "what is two plus two")]).WaitAsync(Dialogue.Timeout);
        b.Text.ShouldBe(a);
    }
}
