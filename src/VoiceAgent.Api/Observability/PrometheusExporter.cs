using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace VoiceAgent.Api.Observability;

/// <summary>
/// Collects the service's meters with a <see cref="MeterListener"/> and writes them in the Prometheus text format
/// (the OpenTelemetry Prometheus exporter is not obtainable here), with the runtime's <c>System.Runtime</c> meter.
/// Counters and up-down counters are summed, histograms
/// bucketed; observable instruments are read at scrape time.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] LatencyBuckets = [1, 2, 5, 10, 20, 50, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Tags), Series> _series = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Ours, plus the runtime's own (GC heap, working set, thread pool) so a leak can be told from a lazy GC.
            if (instrument.Meter.Name.StartsWith("VoiceAgent", StringComparison.Ordinal) || instrument.Meter.Name == "System.Runtime")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            var name = Name(instrument);
            var kind = instrument switch
            {
                Histogram<double> or Histogram<long> => "histogram",
                Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
                _ => "gauge",
            };
            var metric = kind == "counter" ? name + "_total" : name;
            if (instrument.Description is { Length: > 0 } help)
            {
                text.Append("# HELP ").Append(metric).Append(' ').Append(help.Replace('\n', ' ')).Append('\n');
            }

            text.Append("# TYPE ").Append(metric).Append(' ').Append(kind).Append('\n');
            foreach (var (key, series) in group.OrderBy(g => g.Key.Tags, StringComparer.Ordinal))
            {
                series.Write(text, metric, key.Tags, kind == "histogram");
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = (instrument, Labels(tags));
        var series = _series.GetOrAdd(key, static k => new Series(k.Instrument is Histogram<double> or Histogram<long>));
        // Observable instruments report their current (cumulative) value each scrape; the others report increments.
        series.Add(value, replace: instrument.IsObservable);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var pairs = new List<string>(tags.Length);
        foreach (var t in tags)
        {
            var value = Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "";
            pairs.Add($"{Sanitize(t.Key)}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private static string Name(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        return instrument.Unit switch
        {
            "ms" => name + "_milliseconds",
            "By" => name + "_bytes",
            _ => name,
        };
    }

    private static string Sanitize(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    /// <summary>One labelled time series: a running sum (or last value for observed gauges), or histogram buckets.</summary>
    private sealed class Series(bool histogram)
    {
        private readonly Lock _gate = new();
        private readonly long[] _buckets = histogram ? new long[LatencyBuckets.Length + 1] : [];
        private double _sum;
        private long _count;

        public void Add(double value, bool replace)
        {
            lock (_gate)
            {
                if (histogram)
                {
                    var i = Array.FindIndex(LatencyBuckets, b => value <= b);
                    _buckets[i < 0 ? LatencyBuckets.Length : i]++;
                    _sum += value;
                    _count++;
                }
                else
                {
                    _sum = replace ? value : _sum + value;
                }
            }
        }

        public void Write(StringBuilder text, string metric, string labels, bool isHistogram)
        {
            lock (_gate)
            {
                if (!isHistogram)
                {
                    Line(text, metric, labels, null, _sum);
                    return;
                }

                long cumulative = 0;
                for (var i = 0; i < LatencyBuckets.Length; i++)
                {
                    cumulative += _buckets[i];
                    Line(text, metric + "_bucket", labels, LatencyBuckets[i].ToString(CultureInfo.InvariantCulture), cumulative);
                }

                Line(text, metric + "_bucket", labels, "+Inf", _count);
                Line(text, metric + "_sum", labels, null, _sum);
                Line(text, metric + "_count", labels, null, _count);
            }
        }

        private static void Line(StringBuilder text, string name, string labels, string? le, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || le is not null)
            {
                text.Append('{').Append(labels);
                if (le is not null)
                {
                    text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
                }

                text.Append('}');
            }

            text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
