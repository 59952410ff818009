using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>One eSpeak worker process (<c>VoiceAgent.EspeakWorker</c>) with its stdin and stdout as the request and reply pipes.</summary>
/// <remarks>
/// The worker exits when its stdin ends, and watches the service's pid in case the pipe is held open elsewhere, so it
/// never outlives the service, whether the service stops, crashes or is killed with SIGKILL.
/// </remarks>
internal sealed class EspeakWorkerProcess : IDisposable
{
    public const string WorkerAssembly = "VoiceAgent.EspeakWorker.dll";

    // A sentence takes milliseconds and a worker starts in well under a second: this long without a frame means it hung.
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Stream _requests;
    private readonly Stream _replies;

    private EspeakWorkerProcess(Process process)
    {
        _process = process;
        ProcessId = process.Id;
        _requests = process.StandardInput.BaseStream;
        // Buffered: an anonymous pipe's async read is a blocking read on a pool thread, so one read should fetch many frames.
        _replies = new BufferedStream(process.StandardOutput.BaseStream, 64 * 1024);
    }

    public int ProcessId { get; }

    /// <summary>The worker beside this assembly (it is built into the same output folder), or null when it is missing.</summary>
    public static string? FindWorker()
    {
        var path = Path.Combine(AppContext.BaseDirectory, WorkerAssembly);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Starts a worker and waits until its eSpeak NG is initialised.</summary>
    /// <exception cref="EspeakWorkerException">It could not start or exited before it was ready.</exception>
    public static async Task<EspeakWorkerProcess> StartAsync(int expectedSampleRate)
    {
        var worker = FindWorker() ?? throw new EspeakWorkerException($"{WorkerAssembly} is not in {AppContext.BaseDirectory}: build src/VoiceAgent.EspeakWorker.");
        var psi = new ProcessStartInfo(DotnetHost()) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(worker);
        psi.ArgumentList.Add("--parent");
        psi.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new EspeakWorkerException("the eSpeak worker did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new EspeakWorkerException($"the eSpeak worker could not be started with {psi.FileName}: {ex.Message}", ex);
        }

        EspeakWorkerProcess? started = new EspeakWorkerProcess(process);
        try
        {
            using var timeout = new CancellationTokenSource(Silence);
            var ready = await started.ReadFrameAsync(timeout).ConfigureAwait(false);
            if (ready.Kind != EspeakWorkerProtocol.Ready || EspeakWorkerProtocol.ReadInt32(ready.Payload, 0) != expectedSampleRate)
            {
                throw new EspeakWorkerException($"eSpeak worker {started.ProcessId} did not report ready at {expectedSampleRate} Hz.");
            }

            (var result, started) = (started, null);
            return result;
        }
        finally
        {
            started?.Dispose();
        }
    }

    /// <summary>Speaks one request. The caller's cancellation stops feeding the resampler but reads the reply to its end, so the worker stays in step and is reused.</summary>
    /// <param name="audioStarted">Called with this worker's pid when the first audio frame arrives (tests use it).</param>
    /// <exception cref="InvalidOperationException">eSpeak refused the request; the worker is fine.</exception>
    /// <exception cref="EspeakWorkerException">The worker died, hung or broke the protocol; discard it.</exception>
    public async Task<EspeakRawSynthesis> SynthesizeAsync(EspeakSpeech speech, IResampler resampler, Action<int>? audioStarted, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Silence);
        try
        {
            await EspeakWorkerProtocol.WriteRequestAsync(_requests, speech, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            throw Broken("took no request", ex);
        }

        var collector = new EspeakSynthesisCollector(resampler);
        var heard = false;
        while (true)
        {
            var (kind, payload) = await ReadFrameAsync(timeout).ConfigureAwait(false);
            switch (kind)
            {
                case EspeakWorkerProtocol.Word when !cancellationToken.IsCancellationRequested:
                    collector.AddWord(new EspeakWordEvent(EspeakWorkerProtocol.ReadInt32(payload, 0), EspeakWorkerProtocol.ReadInt32(payload, 1), EspeakWorkerProtocol.ReadInt32(payload, 2)));
                    break;
                case EspeakWorkerProtocol.Audio when !cancellationToken.IsCancellationRequested:
                    if (!heard)
                    {
                        heard = true;
                        audioStarted?.Invoke(ProcessId);
                    }

                    collector.AddAudio(MemoryMarshal.Cast<byte, short>(payload));
                    break;
                case EspeakWorkerProtocol.Word or EspeakWorkerProtocol.Audio:
                    break; // cancelled: drained, not used
                case EspeakWorkerProtocol.End:
                    cancellationToken.ThrowIfCancellationRequested();
                    return collector.Finish();
                case EspeakWorkerProtocol.Failed:
                    throw new InvalidOperationException(Encoding.UTF8.GetString(payload));
                default:
                    throw Broken($"sent an unknown frame '{(char)kind}'", null);
            }
        }
    }

    /// <summary>Closes the worker's stdin (it exits on its own) and kills it if it has not gone within a second.</summary>
    public void Dispose()
    {
        try
        {
            _requests.Dispose();
            _replies.Dispose();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(1)))
            {
                _process.Kill();
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone: nothing left to stop.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task<(byte Kind, byte[] Payload)> ReadFrameAsync(CancellationTokenSource timeout)
    {
        try
        {
            return await EspeakWorkerProtocol.ReadFrameAsync(_replies, timeout.Token).ConfigureAwait(false)
                ?? throw Broken("exited", null);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or OperationCanceledException && ex is not EspeakWorkerException)
        {
            throw Broken(timeout.IsCancellationRequested ? $"sent nothing for {Silence.TotalSeconds:0} s" : "broke the pipe", ex);
        }
    }

    private EspeakWorkerException Broken(string what, Exception? inner) =>
        inner is null ? new($"eSpeak worker {ProcessId} {what}.") : new($"eSpeak worker {ProcessId} {what}.", inner);

    // The dotnet host running this service (its apphost or `dotnet x.dll`); a framework-dependent worker needs it.
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : "dotnet";
}
