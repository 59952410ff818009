using System.Text.Json;
using System.Text.Json.Serialization;
using Settings = VoiceAgent.Pipeline.Sessions.SessionSettings;

namespace VoiceAgent.Providers.Stores;

/// <summary>
/// Session settings as the durable stores keep them: one JSON document in the API's snake_case, so a new setting needs
/// no schema migration. Nulls are kept out of the document; they read back as nulls.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Settings))]
internal sealed partial class SessionSettingsJson : JsonSerializerContext
{
    // The generated property SessionSettings hides the type's name inside this class, hence the alias.
    public static string Serialize(Settings settings) => JsonSerializer.Serialize(settings, Default.SessionSettings);

    public static Settings Deserialize(string json) =>
        JsonSerializer.Deserialize(json, Default.SessionSettings) ?? Settings.Default;
}
