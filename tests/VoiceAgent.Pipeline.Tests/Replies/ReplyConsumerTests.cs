using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Tests.Fakes;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tests.Replies;

public class ReplyConsumerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_speech_failure_ends_the_reply_with_its_own_error_after_the_turn_is_saved()
    {
        var llm = new ScriptedChatClient { ReplyCallback = _ => "First sentence here. Second one stalls. Third never comes." };
        var tts = new ToneTextToSpeech { MsPerWord = 60, GapMs = 10 };
        tts.FailWith = (t => t.Contains("stalls", StringComparison.Ordinal), new TaskCanceledException("timed out after 30 s"));
        var factory = new ConversationPipelineFactory(new EnergyVad(), new ScriptedSpeechToText(), llm, tts, new LinearResamplerFactory(), Options.Create(new PipelineOptions()), NullLoggerFactory.Instance);
        var store = new InMemoryConversationStore();
        await store.CreateAsync("r1", SessionSettings.Default).WaitAsync(Timeout);
        var conversation = new Conversation("r1", SessionSettings.Default);

        await using var chain = factory.StartReply(null, withAudio: true, CancellationToken.None);
        var turn = chain.Turns.BeginTurn();
        conversation.BeginReply(turn, "tell me three things");
        await chain.Input.WriteAsync(new ChatRequestFrame(turn, conversation.BuildRequest("tell me three things"), null)).AsTask().WaitAsync(Timeout);
        chain.CompleteInput();
        var writer = new RecordingWriter(store);

        var end = await new ReplyConsumer(chain, writer, NullLogger.Instance, new ReplyHistory(conversation, store)).RunReplyAsync(turn, null, CancellationToken.None).WaitAsync(Timeout);

        // The stage's own error, not the reply end's "see the earlier error", reaches the listener.
        end.ShouldNotBeNull();
        end.FinishReason.ShouldBe("error");
        end.Error!.Message.ShouldContain("timed out after 30 s");
        end.ErrorFromStage.ShouldBeTrue();
        end.Saved.ShouldBeTrue();
        writer.Events.ShouldContain("error");
        writer.Events[^1].ShouldBe("end");
        writer.Events.IndexOf("error").ShouldBeLessThan(writer.Events.Count - 1);

        // Saved before the end was written: what was heard, not what the LLM wrote.
        writer.MessagesAtEnd.ShouldBe(2);
        var saved = (await store.GetAsync("r1").WaitAsync(Timeout))!.Messages;
        saved[1].Text.ShouldStartWith("First sentence here.");
        saved[1].Text.ShouldNotContain("Third never comes.");
    }

    [Fact]
    public async Task A_chain_that_stops_without_a_reply_end_gives_an_error_end()
    {
        var time = TimeProvider.System;
        using var cts = new CancellationTokenSource();
        var turns = new TurnManager(cts.Token, time);
        var turn = turns.BeginTurn();

        // A stage that says a sentence, then ends its output without the reply's end.
        static async Task Truncating(System.Threading.Channels.ChannelReader<Frame> input, System.Threading.Channels.ChannelWriter<Frame> output, CancellationToken ct)
        {
            await foreach (var frame in input.ReadAllAsync(ct))
            {
                if (frame is TurnFrame tf)
                {
                    await output.WriteAsync(new SentenceAudioStartedFrame(tf.Turn, "Half", [], TimeSpan.Zero), ct);
                }
            }

            output.TryComplete();
        }

        await using var chain = StageChain.Start([new StageLink("truncating", Truncating, 4)], 4, turns, new TurnTimeline(time), cts, time);
        await chain.Input.WriteAsync(new SayFrame(turn, "Half a reply.")).AsTask().WaitAsync(Timeout);
        chain.CompleteInput();
        var writer = new RecordingWriter(null);

        var end = await new ReplyConsumer(chain, writer, NullLogger.Instance).RunReplyAsync(turn, null, CancellationToken.None).WaitAsync(Timeout);

        end!.FinishReason.ShouldBe("error");
        end.Error!.Type.ShouldBe("server_error");
        end.Saved.ShouldBeFalse();
        writer.Events.ShouldBe(["sentence", "end"]);
    }

    private sealed class RecordingWriter(IConversationStore? store) : ReplyWriter
    {
        public List<string> Events { get; } = [];

        public int MessagesAtEnd { get; private set; } = -1;

        public override ValueTask<bool> SentenceAsync(SentenceAudioStartedFrame sentence, CancellationToken cancellationToken) => Add("sentence");

        public override ValueTask<bool> ErrorAsync(TurnId turn, PipelineError error, CancellationToken cancellationToken) => Add("error");

        public override async ValueTask<bool> ReplyEndedAsync(ReplyEnded end, CancellationToken cancellationToken)
        {
            if (store is not null)
            {
                MessagesAtEnd = (await store.GetAsync("r1", cancellationToken))!.Messages.Count;
            }

            return await Add("end");
        }

        private ValueTask<bool> Add(string name)
        {
            if (Events.Count == 0 || Events[^1] != name || name != "sentence")
            {
                Events.Add(name);
            }

            return ValueTask.FromResult(true);
        }
    }
}
