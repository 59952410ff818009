namespace VoiceAgent.Api.Recorded;

/// <summary>How a question's answer went: its text, what was spoken, whether the turn reached the history, and the failure if any.</summary>
public sealed record AnswerResult(
    string Response,
    bool ChatSuccess,
    bool TtsSuccess,
    int Segments,
    int AudioChunks,
    long AudioBytes,
    bool DbSaved,
    RecordedError? Error);
