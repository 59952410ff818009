using System.Globalization;
using System.Text;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Api.Protocol;

/// <summary>
/// A transcription as OpenAI's response formats need it: the text, the audio's duration, the recognised words with
/// their times, and segments made from the words (a new segment after a pause of half a second or more).
/// </summary>
internal sealed class Transcript
{
    private static readonly TimeSpan SegmentPause = TimeSpan.FromMilliseconds(500);
    private const int MaxSegmentWords = 30;

    public Transcript(string text, TimeSpan duration, IReadOnlyList<WordTimingContent> words)
    {
        Text = text;
        Duration = duration;
        Words = words;
        Segments = MakeSegments(text, duration, words);
    }

    public string Text { get; }

    public TimeSpan Duration { get; }

    public IReadOnlyList<WordTimingContent> Words { get; }

    public IReadOnlyList<(TimeSpan Start, TimeSpan End, string Text)> Segments { get; }

    public string ToSrt()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Segments.Count; i++)
        {
            var (start, end, text) = Segments[i];
            sb.Append(CultureInfo.InvariantCulture, $"{i + 1}\n{Time(start, ',')} --> {Time(end, ',')}\n{text}\n\n");
        }

        return sb.ToString();
    }

    public string ToVtt()
    {
        var sb = new StringBuilder("WEBVTT\n\n");
        foreach (var (start, end, text) in Segments)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{Time(start, '.')} --> {Time(end, '.')}\n{text}\n\n");
        }

        return sb.ToString();
    }

    /// <summary>OpenAI's <c>verbose_json</c>: words only when asked for; segments when asked for or when nothing was asked for.</summary>
    public object ToVerbose(string language, bool words, bool segments) => new
    {
        task = "transcribe",
        language,
        duration = Duration.TotalSeconds,
        text = Text,
        words = words ? Words.Select(w => new { word = w.Text, start = w.Start.TotalSeconds, end = w.End.TotalSeconds }) : null,
        segments = segments || !words
            ? Segments.Select((s, i) => new { id = i, seek = 0, start = s.Start.TotalSeconds, end = s.End.TotalSeconds, text = s.Text, tokens = Array.Empty<int>(), temperature = 0.0 })
            : null,
    };

    private static string Time(TimeSpan t, char separator) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}{separator}{t.Milliseconds:000}");

    private static List<(TimeSpan, TimeSpan, string)> MakeSegments(string text, TimeSpan duration, IReadOnlyList<WordTimingContent> words)
    {
        var segments = new List<(TimeSpan, TimeSpan, string)>();
        if (words.Count == 0)
        {
            // An engine that reports no word times (a remote ASR): the whole audio is one segment.
            if (text.Length > 0)
            {
                segments.Add((TimeSpan.Zero, duration, text));
            }

            return segments;
        }

        var first = 0;
        for (var i = 1; i <= words.Count; i++)
        {
            if (i == words.Count || words[i].Start - words[i - 1].End >= SegmentPause || i - first >= MaxSegmentWords)
            {
                segments.Add((words[first].Start, words[i - 1].End, string.Join(' ', words.Skip(first).Take(i - first).Select(w => w.Text))));
                first = i;
            }
        }

        return segments;
    }
}
