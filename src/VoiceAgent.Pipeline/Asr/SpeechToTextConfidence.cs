using System.Globalization;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Asr;

/// <summary>How a speech-to-text engine reports its confidence in a final: a number 0–1 under this key of the final's AdditionalProperties.</summary>
/// <remarks>
/// An engine's own measure, so thresholds are per engine: the embedded PocketSphinx gives the mean posterior probability of
/// the final's words. An engine that gives none (most cloud engines) leaves the key out, and its finals are never gated.
/// </remarks>
public static class SpeechToTextConfidence
{
    public const string PropertyName = "confidence";

    /// <summary>The confidence in <paramref name="properties"/>, or null if there is none or it is not a number.</summary>
    public static double? Read(AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(PropertyName, out var value) && value is IConvertible number
            ? number.ToDouble(CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d : null
            : null;
}
