using System.Buffers;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// Who owns stored data: an API key's name. 1–64 ASCII letters, digits, '-', '_' and '.', not starting with '.', so it
/// is safe as a database key, a log value and a folder name without escaping.
/// </summary>
public readonly record struct TenantId
{
    public const int MaxLength = 64;

    private readonly string? _value;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    public TenantId(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not a valid tenant name: use 1–{MaxLength} ASCII letters, digits, '-', '_' and '.', not starting with '.'.", nameof(value));
        }

        _value = value;
    }

    /// <summary>The one tenant of a service with no keys configured (and the owner of data written before tenants existed, unless configured otherwise).</summary>
    public static TenantId Default { get; } = new("default");

    // default(TenantId) is the default tenant rather than a null name.
    public string Value => _value ?? "default";

    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && value[0] != '.' && !value.AsSpan().ContainsAnyExcept(Allowed);

    public bool Equals(TenantId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => Value;
}
