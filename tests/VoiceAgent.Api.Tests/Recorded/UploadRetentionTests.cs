using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Recorded;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.Recorded;

/// <summary>The upload folder's retention: age first, then size, oldest first, and nothing the storage did not write.</summary>
public sealed class UploadRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("va-retention-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void Expired_uploads_are_deleted_and_then_the_oldest_until_within_the_size_limit()
    {
        Write("audio_20250530_120000_aaaaaaaaaaaa.wav", 100, Now.AddHours(-48));
        Write("vlm_image_20250601_100000_bbbbbbbbbbbb.png", 100, Now.AddHours(-2));
        Write("vlm_audio_20250601_110000_cccccccccccc.wav", 100, Now.AddHours(-1));
        Write("audio_20250601_115900_dddddddddddd.wav", 100, Now.AddMinutes(-1));
        Write("notes.txt", 5000, Now.AddHours(-100));
        Write(Path.Combine("bob-app", "audio_20250530_130000_eeeeeeeeeeee.wav"), 100, Now.AddHours(-47));

        var retention = Retention(new RecordedOptions { StoragePath = _dir.FullName, RetentionHours = 24, MaxStorageBytes = 150 });
        retention.Sweep().ShouldBe(4); // owners' subfolders included

        _dir.GetFiles().Select(f => f.Name).Order().ShouldBe(["audio_20250601_115900_dddddddddddd.wav", "notes.txt"]);
    }

    [Fact]
    public async Task Stored_names_are_made_by_the_service()
    {
        var options = Options.Create(new RecordedOptions { StoragePath = _dir.FullName });
        var storage = new UploadStorage(options, new HostingEnvironment { ContentRootPath = "/" }, new FixedTime(), NullLogger<UploadStorage>.Instance);
        var name = await storage.SaveAsync(new TenantId("alice-app"), "vlm_image", "png", new byte[] { 1, 2, 3 }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        name.ShouldNotBeNull();
        name.ShouldMatch(@"^vlm_image_20250601_120000_[0-9a-f]{12}\.png$");
        UploadStorage.IsUpload(name).ShouldBeTrue();
        File.Exists(Path.Combine(_dir.FullName, "alice-app", name)).ShouldBeTrue(); // each owner's uploads in a folder of its own
        await Should.ThrowAsync<ArgumentException>(() => storage.SaveAsync(TenantId.Default, "../etc", "png", new byte[] { 1 }, CancellationToken.None));
    }

    private UploadRetention Retention(RecordedOptions o)
    {
        var options = Options.Create(o);
        var storage = new UploadStorage(options, new HostingEnvironment { ContentRootPath = "/" }, new FixedTime(), NullLogger<UploadStorage>.Instance);
        return new UploadRetention(storage, options, new FixedTime(), NullLogger<UploadRetention>.Instance);
    }

    private void Write(string name, int bytes, DateTimeOffset at)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
        File.SetLastWriteTimeUtc(path, at.UtcDateTime);
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
