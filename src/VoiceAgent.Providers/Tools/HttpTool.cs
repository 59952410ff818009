using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Llm;

namespace VoiceAgent.Providers.Tools;

/// <summary>
/// A tool that is an HTTP endpoint: POST sends the arguments as a JSON body, GET as query parameters; the session id and
/// Agora's <c>context</c> go in <see cref="ToolHeaders"/>; the body of a 2xx answer (JSON or text) is the result, any
/// other status a failure the LLM is told about.
/// </summary>
public sealed class HttpTool : AIFunction
{
    private static readonly JsonElement NoParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    private readonly HttpToolOptions _options;
    private readonly HttpClient _http;
    private readonly JsonElement _schema;
    private readonly int _maxBytes;
    private readonly ToolScope _scope;

    /// <param name="maxBytes">The most of the answer's body read; the rest is dropped (the result is cut anyway).</param>
    public HttpTool(HttpToolOptions options, HttpClient http, int maxBytes)
        : this(options, http, Schema(options), maxBytes, ToolScope.None)
    {
    }

    private HttpTool(HttpToolOptions options, HttpClient http, JsonElement schema, int maxBytes, ToolScope scope)
    {
        _options = options;
        _http = http;
        _schema = schema;
        _maxBytes = maxBytes;
        _scope = scope;
    }

    public override string Name => _options.Name;

    public override string Description => _options.Description;

    public override JsonElement JsonSchema => _schema;

    /// <summary>The same tool acting for <paramref name="scope"/>'s conversation.</summary>
    public HttpTool For(ToolScope scope) => new(_options, _http, _schema, _maxBytes, scope);

    /// <summary>The schema from <see cref="HttpToolOptions.ParametersJson"/>; throws a <see cref="JsonException"/> naming the tool when it is not a JSON object.</summary>
    public static JsonElement Schema(HttpToolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ParametersJson))
        {
            return NoParameters;
        }

        using var doc = JsonDocument.Parse(options.ParametersJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"The parameters of tool '{options.Name}' must be a JSON Schema object.");
        }

        return doc.RootElement.Clone();
    }

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        using var request = Request(arguments);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await ReadCappedAsync(response.Content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The tool '{Name}' answered HTTP {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return body;
    }

    private HttpRequestMessage Request(AIFunctionArguments arguments)
    {
        var get = string.Equals(_options.Method, "GET", StringComparison.OrdinalIgnoreCase);
        var uri = get ? WithQuery(_options.Url, arguments) : _options.Url;
        var request = new HttpRequestMessage(get ? HttpMethod.Get : HttpMethod.Post, uri);
        if (!get)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(arguments.ToDictionary(a => a.Key, a => a.Value)), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_scope.SessionId is { } session)
        {
            request.Headers.TryAddWithoutValidation(ToolHeaders.SessionId, session);
        }

        if (_scope.Tenant is { } tenant)
        {
            request.Headers.TryAddWithoutValidation(ToolHeaders.Tenant, tenant);
        }

        if (_scope.Context is { } context)
        {
            request.Headers.TryAddWithoutValidation(ToolHeaders.AgoraContext, context);
        }

        return request;
    }

    private static string WithQuery(string url, AIFunctionArguments arguments)
    {
        var query = new StringBuilder();
        foreach (var (key, value) in arguments)
        {
            query.Append(query.Length == 0 && !url.Contains('?', StringComparison.Ordinal) ? '?' : '&')
                .Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(QueryValue(value)));
        }

        return url + query;
    }

    // Scalars as themselves; objects and arrays as JSON, which a query has no other way to carry.
    private static string QueryValue(object? value) => value switch
    {
        null => "",
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? "",
        JsonElement e => e.GetRawText(),
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value),
    };

    private async Task<string> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[_maxBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
