using System.ComponentModel.DataAnnotations;

namespace VoiceAgent.Providers.Embedded.WebRtcVad;

/// <summary>Settings of the WebRTC voice activity detector.</summary>
public sealed class WebRtcVadOptions
{
    /// <summary>Aggressiveness 0 (least) to 3 (most). 2 is the default because on flite speech modes 0–1 also flagged the synthesiser's background noise as speech.</summary>
    [Range(0, 3)]
    public int Mode { get; set; } = 2;
}
