using System.Buffers;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// What a session id may be: 1–128 characters of ASCII letters, digits, '-', '_', '.' and ':'. Ids come from clients,
/// end up in URLs, logs and keys, so anything else is refused rather than escaped everywhere.
/// </summary>
public static class SessionIdFormat
{
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    public static bool IsValid(string? sessionId) =>
        sessionId is { Length: > 0 and <= MaxLength } && !sessionId.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>Throws <see cref="ArgumentException"/> saying what is wrong with <paramref name="sessionId"/>.</summary>
    public static void Validate(string? sessionId, string paramName = "sessionId")
    {
        if (IsValid(sessionId))
        {
            return;
        }

        var why = sessionId switch
        {
            null or "" => "is empty",
            { Length: > MaxLength } => $"is {sessionId.Length} characters long (at most {MaxLength})",
            _ => "contains a character other than ASCII letters, digits, '-', '_', '.' and ':'",
        };
        throw new ArgumentException($"The session id {why}.", paramName);
    }

    /// <summary>
    /// The id as logs show it: a phone session's id is the caller's number (<c>phone:15551230001</c>), which is personal
    /// data, so logs at Information and above get its last four digits only (<c>phone:…0001</c>); other ids unchanged.
    /// </summary>
    public static string ForLog(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        const string Phone = "phone:";
        return sessionId.StartsWith(Phone, StringComparison.Ordinal) && sessionId.Length > Phone.Length + 4
            ? string.Concat(Phone, "…", sessionId.AsSpan(sessionId.Length - 4))
            : sessionId;
    }

    /// <summary>A new id: a version-7 GUID, so ids created later sort later and index well.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");
}
