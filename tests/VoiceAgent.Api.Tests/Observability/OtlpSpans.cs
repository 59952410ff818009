using Google.Protobuf;

namespace VoiceAgent.Api.Tests.Observability;

/// <summary>A span as an OTLP receiver got it: its scope, ids (hex) and string, bool or integer attributes.</summary>
internal sealed record OtlpSpan(string Scope, string Name, string TraceId, string SpanId, string ParentSpanId, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Decodes an OTLP/HTTP <c>ExportTraceServiceRequest</c> (protobuf) into its spans, reading only the fields a test looks at
/// (no OTLP proto package is served here; the field numbers are those of opentelemetry/proto/trace/v1/trace.proto).
/// </summary>
internal static class OtlpSpans
{
    public static List<OtlpSpan> Decode(byte[] exportTraceServiceRequest)
    {
        var spans = new List<OtlpSpan>();
        // ExportTraceServiceRequest.resource_spans = 1 → ResourceSpans.scope_spans = 2.
        foreach (var resourceSpans in Fields(exportTraceServiceRequest, 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                // ScopeSpans.scope = 1 (InstrumentationScope.name = 1), ScopeSpans.spans = 2.
                var scope = Fields(scopeSpans, 1).Select(s => Text(s, 1)).FirstOrDefault() ?? "";
                spans.AddRange(Fields(scopeSpans, 2).Select(span => Span(scope, span)));
            }
        }

        return spans;
    }

    // Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, attributes = 9 (KeyValue: key = 1, value = 2).
    private static OtlpSpan Span(string scope, byte[] span)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var kv in Fields(span, 9))
        {
            attributes[Text(kv, 1) ?? ""] = Fields(kv, 2).Select(AnyValue).FirstOrDefault() ?? "";
        }

        return new OtlpSpan(scope, Text(span, 5) ?? "", Hex(span, 1), Hex(span, 2), Hex(span, 4), attributes);
    }

    // AnyValue: string_value = 1, bool_value = 2, int_value = 3.
    private static string AnyValue(byte[] value)
    {
        var input = new CodedInputStream(value);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    return input.ReadString();
                case 2:
                    return input.ReadBool() ? "true" : "false";
                case 3:
                    return input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return "";
    }

    /// <summary>Every length-delimited occurrence of <paramref name="field"/> in a message.</summary>
    private static List<byte[]> Fields(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    private static string? Text(byte[] message, int field) =>
        Fields(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b)).FirstOrDefault();

    private static string Hex(byte[] message, int field) =>
        Fields(message, field).Select(Convert.ToHexString).FirstOrDefault() ?? "";
}
