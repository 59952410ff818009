using Microsoft.Extensions.Options;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// Enforces the upload folder's retention every <see cref="RecordedOptions.CleanupInterval"/>: uploads older than
/// <see cref="RecordedOptions.RetentionHours"/> are deleted, then the oldest until the folder is within
/// <see cref="RecordedOptions.MaxStorageBytes"/>. Only files <see cref="UploadStorage"/> wrote are touched.
/// </summary>
public sealed partial class UploadRetention(UploadStorage storage, IOptions<RecordedOptions> options, TimeProvider time, ILogger<UploadRetention> logger) : BackgroundService
{
    /// <summary>One pass of the cleanup; returns how many files it deleted.</summary>
    public int Sweep()
    {
        var dir = new DirectoryInfo(storage.Root);
        if (!dir.Exists)
        {
            return 0;
        }

        var o = options.Value;
        // Every owner's subfolder (and the folder itself, where uploads went before owners), one budget for the disk.
        var files = dir.EnumerateFiles("*", SearchOption.AllDirectories).Where(f => UploadStorage.IsUpload(f.Name)).OrderBy(f => f.LastWriteTimeUtc).ToList();
        var deleted = 0;
        var now = time.GetUtcNow().UtcDateTime;
        var total = files.Sum(f => f.Length);
        foreach (var file in files)
        {
            var expired = o.RetentionHours > 0 && now - file.LastWriteTimeUtc > TimeSpan.FromHours(o.RetentionHours);
            var over = o.MaxStorageBytes > 0 && total > o.MaxStorageBytes;
            if (!expired && !over)
            {
                break; // oldest first: every later file is younger and the folder is within its size
            }

            try
            {
                var length = file.Length;
                file.Delete();
                total -= length;
                deleted++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogDeleteFailed(logger, file.Name, ex);
            }
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, time);
        try
        {
            do
            {
                try
                {
                    if (Sweep() is > 0 and var n)
                    {
                        LogSwept(logger, n, storage.Root);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    LogSweepFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload retention deleted {Count} files from {Folder}")]
    private static partial void LogSwept(ILogger logger, int count, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload retention could not delete {File}")]
    private static partial void LogDeleteFailed(ILogger logger, string file, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload retention pass failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
