using System.Diagnostics;
using System.Text;

namespace VoiceAgent.Providers.Ffmpeg;

/// <summary>One run of the <c>ffmpeg</c> program with stdin, stdout and stderr as pipes; stderr is kept (bounded) for errors.</summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private const string Program = "ffmpeg";
    private const int MaxErrorChars = 2000;

    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly Task _stderr;

    private FfmpegProcess(Process process)
    {
        _process = process;
        _stderr = DrainErrorsAsync();
    }

    public Stream Input => _process.StandardInput.BaseStream;

    public bool HasExited => _process.HasExited;

    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Null when the ffmpeg program can be started here; otherwise why not, naming the Debian package.</summary>
    public static string? CheckAvailable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, Program)))
            ? null
            : "the ffmpeg program is not on PATH: install the Debian package ffmpeg.";

    /// <summary>Starts ffmpeg quietly (errors only) with <paramref name="arguments"/> after the common ones.</summary>
    /// <exception cref="InvalidOperationException">ffmpeg is not installed.</exception>
    public static FfmpegProcess Start(IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-hide_banner", "-nostats", "-loglevel", "error"])
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            return new FfmpegProcess(Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg did not start."));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(CheckAvailable() ?? $"ffmpeg could not be started: {ex.Message}", ex);
        }
    }

    /// <summary>Waits for ffmpeg to exit; returns its exit code and what it wrote to stderr.</summary>
    public async Task<(int ExitCode, string Errors)> WaitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await _stderr.ConfigureAwait(false);
        lock (_errors)
        {
            return (_process.ExitCode, _errors.ToString().Trim());
        }
    }

    /// <summary>Kills ffmpeg if it is still running (a cancelled or failed response) and releases the pipes.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        await _stderr.ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task DrainErrorsAsync()
    {
        try
        {
            string? line;
            while ((line = await _process.StandardError.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                lock (_errors)
                {
                    if (_errors.Length < MaxErrorChars)
                    {
                        _errors.AppendLine(line);
                    }
                }
            }
        }
        catch (IOException)
        {
            // The process was killed mid-line.
        }
        catch (ObjectDisposedException)
        {
            // Same.
        }
    }
}
