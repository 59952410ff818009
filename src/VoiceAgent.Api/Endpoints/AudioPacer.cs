using VoiceAgent.Api.Hosting;

namespace VoiceAgent.Api.Endpoints;

/// <summary>With real-time pacing on, says how long to wait before sending the next audio chunk; otherwise never waits.</summary>
public sealed class AudioPacer(HttpApiOptions options, TimeProvider time)
{
    private long _startedAt;
    private TimeSpan _sent;

    public TimeSpan? DelayFor(TimeSpan chunk)
    {
        if (!options.PaceRealTime)
        {
            return null;
        }

        if (_startedAt == 0)
        {
            _startedAt = time.GetTimestamp();
        }

        var ahead = _sent - time.GetElapsedTime(_startedAt) - TimeSpan.FromMilliseconds(options.PaceLeadMs);
        _sent += chunk;
        return ahead > TimeSpan.Zero ? ahead : null;
    }
}
