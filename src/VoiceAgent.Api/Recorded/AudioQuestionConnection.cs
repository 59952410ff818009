using System.Net.WebSockets;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// <c>/v1/chat/audio</c>: a spoken question uploaded as numbered packets; once all <c>total</c> packets are in, it is
/// transcribed and answered in text and PCM16 speech. One question at a time; the connection then takes the next.
/// </summary>
public sealed class AudioQuestionConnection(WebSocket socket, SessionLease lease, RecordedQuestionServices services, string sessionId)
    : RecordedConnection(socket, lease, services, sessionId)
{
    private readonly PacketAssembler _upload = new("audio", services.Options.MaxPackets, services.Options.MaxAudioBytes);

    protected override string ConnectedMessage => "Audio connection established.";

    protected override bool AwaitingPackets => _upload.HasPackets;

    protected override async Task OnMessageAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        if (!UploadPacket.TryParse(json, Services.Options.AudioPacketBytes, out var packet, out var error))
        {
            Events.TrySend(error!.ToEvent());
            return;
        }

        if (packet!.IsEnd)
        {
            if (_upload.HasPackets)
            {
                Events.TrySend(_upload.MissingError("At the end message").ToEvent());
                _upload.Reset();
            }
            else
            {
                Events.TrySend(new RecordedError("'end' came with no packets to end: nothing was uploaded since the last question.", "nothing_uploaded").ToEvent());
            }

            return;
        }

        if (!_upload.HasPackets && !TryUseSessionId(packet.SessionId))
        {
            return;
        }

        var outcome = _upload.Add(packet.Seq, packet.Total, packet.Data);
        if (outcome.Error is { } rejected)
        {
            Events.TrySend(rejected.ToEvent());
            return;
        }

        await Events.SendAsync(RecordedEvents.PacketAck(packet.Seq, _upload.Received, packet.Total, duplicate: outcome.Status == PacketStatus.Duplicate), ct);
        if (_upload.IsComplete)
        {
            var recording = _upload.Assemble();
            _upload.Reset();
            await AnswerAsync(recording, packet.Total, ct);
        }
    }

    protected override Task OnPacketGapAsync(CancellationToken ct)
    {
        Events.TrySend(_upload.MissingError($"No packet came for {Services.Options.PacketGapTimeout.TotalSeconds:0.#} s").ToEvent());
        _upload.Reset();
        return Task.CompletedTask;
    }

    private async Task AnswerAsync(byte[] upload, int packets, CancellationToken ct)
    {
        RecordedAudio audio;
        try
        {
            audio = RecordedAudio.Decode(upload, Services.Resamplers);
        }
        catch (InvalidDataException ex)
        {
            await Events.SendAsync(new RecordedError($"The recording could not be read: {ex.Message}", "bad_audio").ToEvent(), ct);
            return;
        }

        var file = await Services.SaveUploadAsync("audio", "wav", audio.Wav, ct);
        await Events.SendAsync(RecordedEvents.TranscriptionStarted(file), ct);
        var transcript = await Services.TranscribeAsync(audio, ct);
        var complete = new AudioComplete(SessionId, file, upload.Length, packets, audio.DurationSeconds, transcript);
        if (transcript.Length == 0)
        {
            await Events.SendAsync(RecordedEvents.ChatSkipped("chat_started"), ct);
            await Events.SendAsync(complete.ToEvent(null), ct);
            return;
        }

        await Events.SendAsync(RecordedEvents.ChatStarted("chat_started", transcript), ct);
        var answer = await new AnswerStreamer(Services, Events).AnswerAsync(SessionId, transcript, null, "chat_chunk", ct);
        if (answer.Error is null)
        {
            await Events.SendAsync(RecordedEvents.Write("chat_tts_complete", w =>
            {
                w.WriteString("message", "Answer generated and spoken.");
                w.WriteString("assistant_response", answer.Response);
                w.WriteBoolean("tts_success", answer.TtsSuccess);
                w.WriteNumber("segments_count", answer.Segments);
                w.WriteNumber("total_segments", answer.Segments);
                w.WriteNumber("audio_chunks", answer.AudioChunks);
                w.WriteBoolean("db_saved", answer.DbSaved);
                w.WriteString("session_id", SessionId);
            }), ct);
        }

        await Events.SendAsync(complete.ToEvent(answer), ct);
    }

    /// <summary>The fields of <c>audio_complete</c>, known before the answer.</summary>
    private sealed record AudioComplete(string SessionId, string? File, int Size, int Packets, double Duration, string Transcript)
    {
        public byte[] ToEvent(AnswerResult? answer) => RecordedEvents.Write("audio_complete", w =>
        {
            w.WriteString("message", answer?.Error is null && answer is not null ? "Audio received, recognised, answered and spoken." : "Audio received; the question was not fully answered.");
            if (File is not null)
            {
                w.WriteString("filename", File);
            }

            w.WriteNumber("size", Size);
            w.WriteNumber("packets", Packets);
            w.WriteNumber("duration", Duration);
            w.WriteBoolean("transcription_success", Transcript.Length > 0);
            w.WriteString("transcription_text", Transcript);
            w.WriteBoolean("chat_success", answer?.ChatSuccess ?? false);
            w.WriteString("assistant_response", answer?.Response ?? "");
            w.WriteBoolean("tts_success", answer?.TtsSuccess ?? false);
            w.WriteBoolean("db_saved", answer?.DbSaved ?? false);
            w.WriteString("session_id", SessionId);
        });
    }
}
