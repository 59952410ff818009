using Microsoft.Extensions.AI;
using Sdk = global::OpenAI.Chat;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Maps Microsoft.Extensions.AI chat messages, options and results to and from the OpenAI SDK's.</summary>
internal static class OpenAIChatMessages
{
    public static List<Sdk.ChatMessage> ToSdk(IEnumerable<ChatMessage> messages)
    {
        var result = new List<Sdk.ChatMessage>();
        foreach (var m in messages)
        {
            if (m.Role == ChatRole.System)
            {
                result.Add(new Sdk.SystemChatMessage(m.Text));
            }
            else if (m.Role == ChatRole.Assistant)
            {
                result.Add(new Sdk.AssistantChatMessage(m.Text));
            }
            else if (m.Role == ChatRole.Tool)
            {
                AddToolMessages(m, result);
            }
            else
            {
                result.Add(new Sdk.UserChatMessage(ToUserParts(m)));
            }
        }

        return result;
    }

    public static Sdk.ChatCompletionOptions ToSdk(ChatOptions? options)
    {
        var o = new Sdk.ChatCompletionOptions();
        if (options is null)
        {
            return o;
        }

        o.Temperature = options.Temperature;
        o.TopP = options.TopP;
        o.MaxOutputTokenCount = options.MaxOutputTokens;
        o.FrequencyPenalty = options.FrequencyPenalty;
        o.PresencePenalty = options.PresencePenalty;
        foreach (var stop in options.StopSequences ?? [])
        {
            o.StopSequences.Add(stop);
        }

        return o;
    }

    public static ChatFinishReason? ToFinishReason(Sdk.ChatFinishReason? reason) => reason switch
    {
        null => null,
        Sdk.ChatFinishReason.Stop => ChatFinishReason.Stop,
        Sdk.ChatFinishReason.Length => ChatFinishReason.Length,
        Sdk.ChatFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
        Sdk.ChatFinishReason.ToolCalls or Sdk.ChatFinishReason.FunctionCall => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(reason.Value.ToString().ToLowerInvariant()),
    };

    public static UsageContent? ToUsage(Sdk.ChatTokenUsage? usage) => usage is null ? null : new UsageContent(new UsageDetails
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
    });

    // Images become image parts so a vision model sees them; text parts keep their order around them.
    private static List<Sdk.ChatMessageContentPart> ToUserParts(ChatMessage m)
    {
        var parts = new List<Sdk.ChatMessageContentPart>();
        foreach (var content in m.Contents)
        {
            switch (content)
            {
                case TextContent t when !string.IsNullOrEmpty(t.Text):
                    parts.Add(Sdk.ChatMessageContentPart.CreateTextPart(t.Text));
                    break;
                case DataContent d when d.HasTopLevelMediaType("image"):
                    parts.Add(Sdk.ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(d.Data), d.MediaType));
                    break;
                case UriContent u when u.HasTopLevelMediaType("image"):
                    parts.Add(Sdk.ChatMessageContentPart.CreateImagePart(u.Uri));
                    break;
            }
        }

        if (parts.Count == 0)
        {
            parts.Add(Sdk.ChatMessageContentPart.CreateTextPart(m.Text));
        }

        return parts;
    }

    // OpenAI requires tool messages to answer a tool call by id; plain text without an id is sent with an empty id,
    // which permissive servers accept and strict ones reject with a clear 400.
    private static void AddToolMessages(ChatMessage m, List<Sdk.ChatMessage> result)
    {
        var added = false;
        foreach (var r in m.Contents.OfType<FunctionResultContent>())
        {
            result.Add(new Sdk.ToolChatMessage(r.CallId, r.Result?.ToString() ?? ""));
            added = true;
        }

        if (!added)
        {
            result.Add(new Sdk.ToolChatMessage("", m.Text));
        }
    }
}
