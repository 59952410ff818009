using System.Globalization;
using System.Text.Json.Nodes;

namespace VoiceAgent.Api.Hosting;

/// <summary>A configuration section back as JSON (a tool's <c>Parameters</c> schema written as an object in appsettings.json).</summary>
/// <remarks>
/// Configuration keeps only strings: children named 0, 1, 2… become an array, and "true", "false" and numbers become
/// JSON booleans and numbers. A schema that needs a string such as "1" must come as <c>ParametersJson</c> instead.
/// </remarks>
public static class ConfigurationJson
{
    public static JsonNode? ToJson(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is { } v ? Scalar(v) : null;
        }

        if (children.Select((c, i) => c.Key == i.ToString(CultureInfo.InvariantCulture)).All(x => x))
        {
            return new JsonArray([.. children.Select(ToJson)]);
        }

        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Key] = ToJson(child);
        }

        return obj;
    }

    private static JsonNode Scalar(string value) =>
        value is "true" or "false" ? JsonValue.Create(value == "true")
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !value.StartsWith('+') ? JsonValue.Create(d)
        : JsonValue.Create(value);
}
