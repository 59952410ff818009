using System.Net.WebSockets;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// <c>/v1/chat/vlm</c>: a spoken question and an image, each uploaded as numbered packets (<c>"type":"audio"|"image"</c>,
/// numbered per type), then <c>{"type":"end"}</c>. The transcribed question goes to the LLM with the image, only when
/// the LLM can see images; otherwise a clear error says it cannot, and nothing is asked.
/// </summary>
public sealed class VlmQuestionConnection(WebSocket socket, SessionLease lease, RecordedQuestionServices services, string sessionId)
    : RecordedConnection(socket, lease, services, sessionId)
{
    private readonly PacketAssembler _audio = new("audio", services.Options.MaxPackets, services.Options.MaxAudioBytes);
    private readonly PacketAssembler _image = new("image", services.Options.MaxPackets, services.Options.MaxImageBytes);

    protected override string ConnectedMessage => "VLM connection established.";

    protected override bool AwaitingPackets => _audio.HasPackets || _image.HasPackets;

    protected override async Task OnMessageAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        if (!UploadPacket.TryParse(json, Services.Options.VlmPacketBytes, out var packet, out var error))
        {
            Events.TrySend(error!.ToEvent());
            return;
        }

        if (packet!.IsEnd)
        {
            await EndAsync(ct);
            return;
        }

        var upload = packet.Type switch { "audio" => _audio, "image" => _image, _ => null };
        if (upload is null)
        {
            Events.TrySend(new RecordedError("'type' must be \"audio\", \"image\" or \"end\".", "bad_type", packet.Seq).ToEvent());
            return;
        }

        if (!AwaitingPackets && !TryUseSessionId(packet.SessionId))
        {
            return;
        }

        var outcome = upload.Add(packet.Seq, packet.Total, packet.Data, packet.Type);
        if (outcome.Error is { } rejected)
        {
            Events.TrySend(rejected.ToEvent());
            return;
        }

        await Events.SendAsync(RecordedEvents.PacketAck(packet.Seq, upload.Received, packet.Total, packet.Type, outcome.Status == PacketStatus.Duplicate), ct);
    }

    protected override Task OnPacketGapAsync(CancellationToken ct)
    {
        if ((!_audio.IsComplete && _audio.HasPackets) || (!_image.IsComplete && _image.HasPackets))
        {
            ReportIncomplete($"No packet came for {Services.Options.PacketGapTimeout.TotalSeconds:0.#} s");
        }

        return Task.CompletedTask;
    }

    private async Task EndAsync(CancellationToken ct)
    {
        if (!_audio.HasPackets || !_image.HasPackets)
        {
            var what = !_audio.HasPackets && !_image.HasPackets ? "no audio and no image" : !_audio.HasPackets ? "no audio question" : "no image";
            Events.TrySend(new RecordedError($"'end' came with {what}: the VLM socket needs both a spoken question and an image.", "nothing_uploaded").ToEvent());
            Reset();
            return;
        }

        if (!_audio.IsComplete || !_image.IsComplete)
        {
            ReportIncomplete("At the end message");
            return;
        }

        var (audioBytes, imageBytes, audioPackets) = (_audio.Assemble(), _image.Assemble(), _audio.Total!.Value);
        Reset();
        UploadedImage image;
        RecordedAudio audio;
        try
        {
            image = UploadedImage.Recognise(imageBytes);
            audio = RecordedAudio.Decode(audioBytes, Services.Resamplers);
        }
        catch (InvalidDataException ex)
        {
            await Events.SendAsync(new RecordedError($"The upload could not be read: {ex.Message}", "bad_upload").ToEvent(), ct);
            return;
        }

        if (!Services.Vision.CanSeeImages)
        {
            await Events.SendAsync(new RecordedError(Services.Vision.Reason!, "vision_unsupported").ToEvent(), ct);
            return;
        }

        var audioFile = await Services.SaveUploadAsync("vlm_audio", "wav", audio.Wav, ct);
        var imageFile = await Services.SaveUploadAsync("vlm_image", image.Extension, image.Data, ct);
        await Events.SendAsync(RecordedEvents.TranscriptionStarted(audioFile), ct);
        var transcript = await Services.TranscribeAsync(audio, ct);
        AnswerResult? answer = null;
        if (transcript.Length == 0)
        {
            await Events.SendAsync(RecordedEvents.ChatSkipped("vlm_chat_started"), ct);
        }
        else
        {
            await Events.SendAsync(RecordedEvents.ChatStarted("vlm_chat_started", transcript, imageFile), ct);
            answer = await new AnswerStreamer(Services, Events).AnswerAsync(SessionId, transcript, image, "vlm_chat_chunk", ct);
            if (answer.Error is null)
            {
                await Events.SendAsync(RecordedEvents.Write("vlm_chat_tts_complete", w =>
                {
                    w.WriteString("message", "VLM answer generated and spoken.");
                    w.WriteString("user_message", transcript);
                    w.WriteString("assistant_response", answer.Response);
                    w.WriteNumber("audio_chunks", answer.AudioChunks);
                    w.WriteBoolean("db_saved", answer.DbSaved);
                }), ct);
            }
        }

        await Events.SendAsync(RecordedEvents.Write("vlm_complete", w =>
        {
            w.WriteString("message", answer is { Error: null } ? "VLM processing complete." : "VLM upload received; the question was not fully answered.");
            WriteIfSet(w, "audio_file", audioFile);
            WriteIfSet(w, "image_file", imageFile);
            w.WriteNumber("audio_size", audioBytes.Length);
            w.WriteNumber("image_size", imageBytes.Length);
            w.WriteNumber("audio_packets", audioPackets);
            w.WriteNumber("duration", audio.DurationSeconds);
            w.WriteString("transcription", transcript);
            w.WriteString("vlm_response", answer?.Response ?? "");
            w.WriteBoolean("chat_success", answer?.ChatSuccess ?? false);
            w.WriteBoolean("tts_success", answer?.TtsSuccess ?? false);
            w.WriteBoolean("db_saved", answer?.DbSaved ?? false);
            w.WriteString("session_id", SessionId);
        }), ct);
    }

    private void ReportIncomplete(string when)
    {
        foreach (var (upload, type) in new[] { (_audio, "audio"), (_image, "image") })
        {
            if (upload.HasPackets && !upload.IsComplete)
            {
                Events.TrySend(upload.MissingError(when, type).ToEvent());
            }
        }

        Reset();
    }

    private void Reset()
    {
        _audio.Reset();
        _image.Reset();
    }

    private static void WriteIfSet(System.Text.Json.Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
