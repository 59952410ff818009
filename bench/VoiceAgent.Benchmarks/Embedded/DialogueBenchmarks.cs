using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Embedded.Dialogue;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>Latency of the rule-based dialogue engine to its first streamed update (the LLM "first token"), and a whole reply.</summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet does not dispose benchmarks: [GlobalCleanup] disposes the fields.")]
public class DialogueBenchmarks
{
    private readonly DialogueChatClient _client = new(new DialogueOptions
    {
        TimeZone = "UTC",
        Faq = [new FaqEntry { Patterns = ["opening hours", @"\bwhen (are|do) you open\b"], Answer = "We are open nine to five." }],
    });

    private List<ChatMessage> _messages = [];

    [Params("what is one hundred and twenty three times seven", "what is the capital of france", "十二乘以七等于多少")]
    public string Question { get; set; } = "";

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [GlobalSetup]
    public void Setup() =>
        _messages =
        [
            new(ChatRole.System, "You are a helpful voice assistant."),
            new(ChatRole.User, "hello"),
            new(ChatRole.Assistant, "Hello! I'm VoiceAgent. How can I help you?"),
            new(ChatRole.User, Question),
        ];

    [Benchmark(Baseline = true)]
    public async Task<string> FirstStreamedUpdate()
    {
        await using var e = _client.GetStreamingResponseAsync(_messages).GetAsyncEnumerator();
        await e.MoveNextAsync();
        return e.Current.Text;
    }

    [Benchmark]
    public async Task<string> WholeResponse() => (await _client.GetResponseAsync(_messages)).Text;
}
