using System.Text.Json;

namespace VoiceAgent.Api.Tests.Infrastructure;

/// <summary>Reads a server-sent-event stream as the Agora engine does: <c>data: </c> lines separated by blank lines, ending with <c>[DONE]</c>.</summary>
public static class SseReader
{
    public static async Task<List<JsonElement>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var events = new List<JsonElement>();
        await foreach (var e in ReadAsync(response, cancellationToken))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Each event's JSON; the <c>[DONE]</c> sentinel ends the sequence and must be the last event.</summary>
    public static async IAsyncEnumerable<JsonElement> ReadAsync(HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        var done = false;
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith(':'))
            {
                // An SSE comment: the service's keep-alive while a tool runs; every SSE parser skips it.
                (await reader.ReadLineAsync(cancellationToken)).ShouldBe("", "a keep-alive comment ends with a blank line");
                continue;
            }

            done.ShouldBeFalse("nothing may follow [DONE]");
            line.ShouldStartWith("data: ");
            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            (await reader.ReadLineAsync(cancellationToken)).ShouldBe("", "each event ends with a blank line");
            yield return JsonDocument.Parse(data).RootElement.Clone();
        }

        done.ShouldBeTrue("the stream must end with data: [DONE]");
    }
}
