namespace VoiceAgent.Api.Recorded;

/// <summary>Limits and storage of the recorded-question sockets (configuration section <c>VoiceAgent:Recorded</c>).</summary>
public sealed class RecordedOptions
{
    public const string SectionName = "VoiceAgent:Recorded";

    /// <summary>Folder for uploaded recordings and images; relative paths are under the content root.</summary>
    public string StoragePath { get; set; } = "data/uploads";

    /// <summary>Keep uploads (as the seed does); false stores nothing.</summary>
    public bool StoreUploads { get; set; } = true;

    /// <summary>Uploads older than this are deleted by the periodic cleanup; 0 keeps them regardless of age.</summary>
    public double RetentionHours { get; set; } = 24;

    /// <summary>Most bytes the upload folder may hold; the oldest uploads go first. 0 means no limit.</summary>
    public long MaxStorageBytes { get; set; } = 1024L * 1024 * 1024;

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest decoded packet on <c>/v1/chat/audio</c> (seed: 8 KB).</summary>
    public int AudioPacketBytes { get; set; } = 8 * 1024;

    /// <summary>Largest decoded packet on <c>/v1/chat/vlm</c> (seed: 50 KB).</summary>
    public int VlmPacketBytes { get; set; } = 50 * 1024;

    /// <summary>Largest <c>total</c> of one upload.</summary>
    public int MaxPackets { get; set; } = 1024;

    /// <summary>Largest recording: 8 MB is over four minutes of 16 kHz PCM16.</summary>
    public int MaxAudioBytes { get; set; } = 8 * 1024 * 1024;

    public int MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest WebSocket message; a larger one gets an error event and closes the socket with 1009.</summary>
    public int MaxMessageBytes { get; set; } = 128 * 1024;

    /// <summary>A connection that sends nothing for this long is closed (1000).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>With an upload incomplete, this long without a packet reports the missing ones and discards the upload.</summary>
    public TimeSpan PacketGapTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events queued for a client before the answer waits for it to read.</summary>
    public int SendQueueFrames { get; set; } = 256;

    /// <summary>How long the send queue may stay full before a client that does not read is disconnected (1008).</summary>
    public TimeSpan SlowClientTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Configuration errors, each naming its key; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(StoragePath))
        {
            yield return $"{SectionName}:StoragePath must not be empty.";
        }

        if (RetentionHours < 0 || MaxStorageBytes < 0)
        {
            yield return $"{SectionName}:RetentionHours and MaxStorageBytes must not be negative.";
        }

        if (CleanupInterval < TimeSpan.FromSeconds(1))
        {
            yield return $"{SectionName}:CleanupInterval must be at least one second.";
        }

        if (AudioPacketBytes <= 0 || VlmPacketBytes <= 0 || MaxPackets <= 0 || MaxAudioBytes <= 0 || MaxImageBytes <= 0 || SendQueueFrames <= 0)
        {
            yield return $"{SectionName}: packet sizes, MaxPackets, MaxAudioBytes, MaxImageBytes and SendQueueFrames must be positive.";
        }

        if (MaxMessageBytes < (Math.Max(AudioPacketBytes, VlmPacketBytes) * 4 / 3) + 1024)
        {
            yield return $"{SectionName}:MaxMessageBytes must hold the largest packet in base64 plus its JSON.";
        }

        if (IdleTimeout <= TimeSpan.Zero || PacketGapTimeout <= TimeSpan.Zero || SlowClientTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}: IdleTimeout, PacketGapTimeout and SlowClientTimeout must be positive.";
        }
    }
}
