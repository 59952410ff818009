using System.Diagnostics;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>One scenario of the turn-taking benchmark played on its own call; each returns what happened.</summary>
public static class TurnCases
{
    private const int Lead = 500;

    public static async Task<CaseResult> PauseAsync(Uri url, string part, Clip first, Clip second, string label)
    {
        await using var call = await PacedCall.ConnectAsync(url, default);
        var times = await call.PlayAsync(Clip.Concat(Clip.Silence(Lead), first, Clip.Silence(800), second).ToBytes());
        var end = times[^1];
        await call.SilenceAsync(10_000, e => e.Any(x => x.Type == "turn_end" && x.At > end));
        var asr = call.Events.Where(e => e.Type == "asr").ToList();
        var heard = asr.Count > 0;
        var cut = asr.Select(e => e.TurnId).Distinct().Count() > 1 || asr.Any(e => e.Final && e.At < end);
        return new CaseResult("pause", part, label, Heard: heard, Hit: cut, Detail: string.Join(" | ", asr.Where(a => a.Final).Select(a => a.Msg)));
    }

    public static async Task<CaseResult> QuestionAsync(Uri url, string part, Clip question, string label)
    {
        await using var call = await PacedCall.ConnectAsync(url, default);
        var times = await call.PlayAsync(Clip.Concat(Clip.Silence(Lead), question).ToBytes());
        var end = times[^1];
        await call.SilenceAsync(10_000, e => e.Any(x => x.Type == "audio" && x.At > end));
        await call.SilenceAsync(8000, e => e.Any(x => x.Type == "turn_end"));
        var first = call.Events.FirstOrDefault(e => e.Type == "audio" && e.At > end);
        var heard = call.Events.LastOrDefault(e => e.Type == "asr" && e.Final)?.Msg;
        if (first is not null && Ms(end, first.At) > 1000)
        {
            // Why slow: the partials the turn detector had around the end of the question, with their times.
            var around = call.Events.Where(e => e.Type == "asr" && !e.Final && e.At < first.At).TakeLast(3);
            heard += $" (partials: {string.Join(", ", around.Select(e => $"\"{e.Msg}\" at {Ms(end, e.At):F0} ms"))})";
        }

        return new CaseResult("question", part, label, Heard: first is not null, Hit: first is not null, Ms: first is null ? null : Ms(end, first.At), Detail: heard);
    }

    /// <summary>
    /// Noise alone; a hit is a reply (agent text or audio, or an interrupt). The case waits for the turn's final (up to
    /// 12 s: a lagging recogniser's final comes late) and 3 s more for a reply. Until run 7 any <c>asr</c> frame counted,
    /// partials included; the detail still says whether the recogniser heard words (partials, final).
    /// </summary>
    public static async Task<CaseResult> NoiseAsync(Uri url, string part, Clip noise, string label)
    {
        await using var call = await PacedCall.ConnectAsync(url, default);
        await call.PlayAsync(Clip.Concat(Clip.Silence(Lead), noise).ToBytes());
        await call.SilenceAsync(2000);
        if (call.Events.Any(e => e.Type == "asr"))
        {
            await call.SilenceAsync(12_000, e => e.Any(x => x.Type == "asr" && x.Final));
            await call.SilenceAsync(3000, e => e.Any(x => x.Type is "audio" or "text" or "interrupt"));
        }

        var answered = call.Events.Any(e => e.Type is "audio" or "text" or "interrupt");
        var partials = call.Events.Where(e => e.Type == "asr" && !e.Final).ToList();
        var finals = string.Join(" | ", call.Events.Where(a => a.Type == "asr" && a.Final).Select(a => $"final \"{a.Msg}\""));
        var detail = partials.Count == 0 ? finals : $"{finals} ({partials.Count} partials, last \"{partials[^1].Msg}\")";
        return new CaseResult("noise", part, label, Heard: true, Hit: answered, Detail: answered ? detail : $"not answered; {detail}");
    }

    /// <summary>The question mixed into continuous noise that starts 1 s before it and goes on for 8 s after it; missed = no agent audio while the noise goes on.</summary>
    public static async Task<CaseResult> SpeechInNoiseAsync(Uri url, string part, Clip question, Clip noise, int snrDb, string label)
    {
        var bed = noise.Loop(1000 + question.Ms + 8000).AtLevel(20 * Math.Log10(question.Rms() / 32768) - snrDb);
        var mixed = bed.Mix(question, 1000);
        var split = (int)((1000 + question.Ms) * Clip.Rate / 1000);
        await using var call = await PacedCall.ConnectAsync(url, default);
        var times = await call.PlayAsync(new Clip(mixed.Samples[..split]).ToBytes());
        var end = times[^1];
        var tail = mixed.Samples[split..];
        for (var off = 0; off < tail.Length && !call.Events.Any(e => e.Type == "audio" && e.At > end); off += 3200)
        {
            await call.PlayAsync(new Clip(tail[off..Math.Min(tail.Length, off + 3200)]).ToBytes());
        }

        var first = call.Events.FirstOrDefault(e => e.Type == "audio" && e.At > end);
        var heard = call.Events.LastOrDefault(e => e.Type == "asr" && e.Final)?.Msg;
        if (first is null)
        {
            // Why no answer: how many partials the recogniser sent after the question, and its last words with their time.
            var partials = call.Events.Where(e => e.Type == "asr" && !e.Final).ToList();
            var after = partials.Count(e => e.At > end);
            var last = partials.LastOrDefault();
            heard = last is null ? "no partials" : $"{partials.Count} partials ({after} after the question), last \"{last.Msg}\" at {Ms(end, last.At):F0} ms";
        }

        return new CaseResult($"snr{snrDb}", part, label, Heard: true, Hit: first is null, Ms: first is null ? null : Ms(end, first.At), Detail: heard);
    }

    /// <summary>
    /// Asks for a long reply, waits 1.5 s into the agent's audio, then plays <paramref name="overlay"/> over it.
    /// For a backchannel, a hit is an <c>interrupt</c> frame (a false interruption); for a real interruption, the time
    /// from its first sample to the <c>interrupt</c> frame is measured and a miss is no interrupt at all.
    /// </summary>
    public static async Task<CaseResult> OverlayAsync(Uri url, string part, Clip longQuestion, Clip overlay, bool backchannel, string label)
    {
        var category = backchannel ? "backchannel" : "interruption";
        await using var call = await PacedCall.ConnectAsync(url, default);
        var times = await call.PlayAsync(Clip.Concat(Clip.Silence(300), longQuestion).ToBytes());
        var end = times[^1];
        await call.SilenceAsync(12_000, e => e.Any(x => x.Type == "audio" && x.At > end));
        var firstAudio = call.Events.FirstOrDefault(e => e.Type == "audio" && e.At > end);
        if (firstAudio is null)
        {
            return new CaseResult(category, part, label, Heard: false, Hit: false, Detail: "no reply to the long question");
        }

        await call.SilenceAsync(1500);

        // The agent is still "speaking" if the audio it sent lasts beyond now plus the overlay (the client plays it in real time).
        var audioMs = call.Events.Where(e => e.Type == "audio" && e.At >= firstAudio.At).Sum(e => e.AudioBytes) / 32.0;
        var playedMs = Ms(firstAudio.At, Stopwatch.GetTimestamp());
        // With the interruption policy on, a voice call paces agent audio (PlaybackLeadMs ahead of playback), so what was
        // sent says little about what is left: a reply whose turn_end has not come yet is still being spoken.
        var replying = !call.Events.Any(e => e.Type == "turn_end" && e.At > firstAudio.At);
        if (!replying && audioMs < playedMs + overlay.Ms + 300)
        {
            return new CaseResult(category, part, label, Heard: false, Hit: false, Detail: $"reply too short ({audioMs:F0} ms): heard \"{call.Events.LastOrDefault(e => e.Type == "asr" && e.Final)?.Msg}\"");
        }

        var overlayTimes = await call.PlayAsync(overlay.ToBytes());
        var start = overlayTimes[0];
        await call.SilenceAsync(backchannel ? 2500 : 6000, e => !backchannel && e.Any(x => x.Type == "turn_end" && x.At > start));
        var interrupt = call.Events.FirstOrDefault(e => e.Type == "interrupt" && e.At >= start);
        var newAnswer = call.Events.Any(e => e.Type == "text" && e.At > overlayTimes[^1]);
        var heard = string.Join(" | ", call.Events.Where(e => e.Type == "asr" && e.Final && e.At > start).Select(e => e.Msg));
        if (backchannel)
        {
            return new CaseResult(category, part, label, Heard: true, Hit: interrupt is not null, Detail: interrupt is null ? "" : $"heard \"{heard}\"");
        }

        var silent = interrupt is null ? (double?)null : Ms(start, Math.Min(interrupt.At, PlaybackEnd(call.Events, firstAudio.At, interrupt.At)));
        return new CaseResult(category, part, label, Heard: true, Hit: interrupt is not null, Ms: silent, Detail: $"{(interrupt is null ? "" : $"interrupt {Ms(start, interrupt.At):F0} ms, ")}{(newAnswer ? "answered" : "not answered")} \"{heard}\"", InterruptMs: interrupt is null ? null : Ms(start, interrupt.At));
    }

    /// <summary>
    /// When the listener's playback of the agent audio that arrived before <paramref name="before"/> ends, played in real
    /// time from its arrival (16 kHz PCM16: 32 bytes a millisecond). The agent falls silent at that point, or at the
    /// <c>interrupt</c> frame if that comes first (the client then drops what it has not played).
    /// </summary>
    private static long PlaybackEnd(IReadOnlyList<PacedCall.Event> events, long from, long before)
    {
        var end = from;
        foreach (var e in events.Where(e => e.Type == "audio" && e.At >= from && e.At < before))
        {
            end = Math.Max(end, e.At) + (long)(e.AudioBytes / 32.0 / 1000 * Stopwatch.Frequency);
        }

        return end;
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}

/// <summary>What one case did: <paramref name="Heard"/> false means the case could not be run as meant (excluded from rates).</summary>
/// <remarks>For a real interruption, <paramref name="Ms"/> is when the agent fell silent and <paramref name="InterruptMs"/> when the <c>interrupt</c> frame came.</remarks>
public sealed record CaseResult(string Category, string Part, string Label, bool Heard, bool Hit, double? Ms = null, string? Detail = null, double? InterruptMs = null);
