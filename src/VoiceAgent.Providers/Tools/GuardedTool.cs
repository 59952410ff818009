using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Tools;

/// <summary>
/// Any tool with the service's rules around it: a timeout (reported to the LLM as a failure), a cap on the result's
/// length, and metrics. The caller's cancellation (a barge-in) reaches the tool and is neither a failure nor a timeout.
/// </summary>
public sealed class GuardedTool(AIFunction inner, TimeSpan timeout, int maxResultChars, ToolMetrics metrics, TimeProvider time) : DelegatingAIFunction(inner)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var started = time.GetTimestamp();
        try
        {
            var result = await base.InvokeCoreAsync(arguments, linked.Token);
            metrics.Finished(Name, ToolMetrics.Done, time.GetElapsedTime(started));
            return Cap(result);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            metrics.Finished(Name, ToolMetrics.Cancelled, time.GetElapsedTime(started));
            throw;
        }
        catch (Exception ex) when (deadline.IsCancellationRequested)
        {
            metrics.Finished(Name, ToolMetrics.Timeout, time.GetElapsedTime(started));
            throw new TimeoutException($"The tool '{Name}' did not answer within {timeout.TotalMilliseconds:0} ms.", ex);
        }
        catch (Exception)
        {
            metrics.Finished(Name, ToolMetrics.Failed, time.GetElapsedTime(started));
            throw;
        }
    }

    private object? Cap(object? result)
    {
        var text = result switch
        {
            null => null,
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement e => e.GetRawText(),
            _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
        };
        return text is not null && text.Length > maxResultChars ? text[..maxResultChars] + " …(cut)" : text;
    }
}
