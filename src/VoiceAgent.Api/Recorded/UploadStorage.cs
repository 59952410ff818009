using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// Keeps uploaded recordings and images in a local folder, as the seed does, one subfolder per owner (the caller's
/// tenant) so each key's uploads are kept apart. Names are made here (<c>{kind}_{UTC time}_{random}.{ext}</c>) from a
/// fixed set of kinds and extensions; nothing a client sends is in them, and a tenant name is a safe folder name.
/// </summary>
public sealed partial class UploadStorage(IOptions<RecordedOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<UploadStorage> logger)
{
    /// <summary>The kinds of upload, which are also the file-name prefixes the cleanup recognises.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["audio", "vlm_audio", "vlm_image"];

    private static readonly HashSet<string> Extensions = ["wav", "png", "jpg", "gif", "webp"];

    public string Root { get; } = Path.GetFullPath(options.Value.StoragePath, environment.ContentRootPath);

    /// <summary>Writes an upload; returns its file name, or null when storing is off or failed (the question is still answered).</summary>
    public async Task<string?> SaveAsync(TenantId owner, string kind, string extension, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!Kinds.Contains(kind) || !Extensions.Contains(extension))
        {
            throw new ArgumentException($"Unknown upload kind '{kind}' or extension '{extension}'.");
        }

        if (!options.Value.StoreUploads)
        {
            return null;
        }

        var name = $"{kind}_{time.GetUtcNow():yyyyMMdd_HHmmss}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.{extension}";
        try
        {
            var folder = FolderOf(owner);
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, name), data, cancellationToken);
            return name;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(logger, kind, ex);
            return null;
        }
    }

    /// <summary>The folder of <paramref name="owner"/>'s uploads.</summary>
    public string FolderOf(TenantId owner) => Path.Combine(Root, owner.Value);

    /// <summary>True for a file this storage wrote, so the cleanup never deletes anything else in the folder.</summary>
    public static bool IsUpload(string fileName) =>
        Kinds.Any(k => fileName.StartsWith(k + "_", StringComparison.Ordinal)) && Extensions.Contains(Path.GetExtension(fileName).TrimStart('.'));

    [LoggerMessage(Level = LogLevel.Warning, Message = "An uploaded {Kind} could not be stored")]
    private static partial void LogSaveFailed(ILogger logger, string kind, Exception exception);
}
