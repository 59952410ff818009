using System.Text.Json.Serialization;

namespace VoiceAgent.Api.Protocol;

/// <summary>The OpenAI error body: <c>{"error":{"message","type","code"}}</c>.</summary>
public sealed record OpenAIError([property: JsonPropertyName("error")] OpenAIErrorBody Error)
{
    public static OpenAIError Of(string message, string type, string? code = null) => new(new OpenAIErrorBody(message, type, code));

    public static IResult Result(int status, string message, string type, string? code = null) =>
        TypedResults.Json(Of(message, type, code), ApiJson.Options, statusCode: status);

    public static IResult BadRequest(string message, string code = "invalid_request") => Result(400, message, "invalid_request_error", code);
}

/// <summary>The inner object of <see cref="OpenAIError"/>.</summary>
public sealed record OpenAIErrorBody(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("code")] string? Code);
