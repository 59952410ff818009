using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>The one eSpeak NG synthesiser of the process: initialises it once and runs one synthesis at a time.</summary>
/// <remarks>
/// eSpeak NG keeps all its state (voice, parameters, callback, buffers) in C globals: there is exactly one synthesiser
/// per process, whatever we do. So this class is a process-wide singleton, the one piece of global state we allow,
/// and every synthesis, including its voice and parameter settings, runs under one lock: two threads in espeak_Synth
/// crash the process or corrupt each other's audio (NATIVE-NOTES.md). It is never terminated (espeak_Terminate is not
/// imported): every client shares it until the process exits, and freeing it earlier would gain nothing.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The process-wide synthesiser lives until the process exits (see remarks); its gate never touches a wait handle.")]
internal sealed class EspeakEngine
{
    private static readonly Lock s_initLock = new();
    private static EspeakEngine? s_shared;

    // A SemaphoreSlim rather than a lock statement: callers wait asynchronously and can give up when their turn is cancelled.
    private readonly SemaphoreSlim _gate = new(1, 1);

    private EspeakEngine(int sampleRate, EspeakVoiceCatalog voices)
    {
        SampleRate = sampleRate;
        Voices = voices;
    }

    /// <summary>eSpeak NG's own output rate (22 050 Hz for the standard voices).</summary>
    public int SampleRate { get; }

    public EspeakVoiceCatalog Voices { get; }

    /// <summary>Initialises eSpeak NG on first use. A failed probe is not cached, so installing the package later fixes it.</summary>
    public static EspeakEngine GetShared()
    {
        lock (s_initLock)
        {
            return s_shared ??= Create();
        }
    }

    /// <summary>Null when eSpeak NG can be used; otherwise what is missing, naming the Debian package to install.</summary>
    public static string? CheckAvailable()
    {
        if (!NativeLibrary.TryLoad(NativeMethods.Library, typeof(EspeakEngine).Assembly, null, out var handle))
        {
            return $"eSpeak NG library {NativeMethods.Library} not found: install the Debian package libespeak-ng1.";
        }

        NativeLibrary.Free(handle);
        return FindDataParent() is null
            ? $"eSpeak NG data directory (espeak-ng-data with phontab) not found in {string.Join(", ", DataParentCandidates())}: install the Debian package espeak-ng-data."
            : null;
    }

    /// <summary>Speaks <paramref name="speech"/> into <paramref name="sink"/> as eSpeak produces it, one synthesis at a time in this process.</summary>
    public async Task SpeakAsync(EspeakSpeech speech, EspeakSink sink, EngineQueueMetrics? queue, CancellationToken cancellationToken)
    {
        var utf8 = new byte[Encoding.UTF8.GetByteCount(speech.Text) + 1]; // NUL-terminated; the size includes it
        Encoding.UTF8.GetBytes(speech.Text, utf8);

        var waitStarted = queue?.StartWaiting() ?? 0;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        queue?.Waited("espeak-ng", waitStarted);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Settings are global too, so they are set inside the lock for every synthesis.
            Check(NativeMethods.SetVoiceByName(speech.Voice), $"espeak_SetVoiceByName({speech.Voice})");
            Check(NativeMethods.SetParameter(NativeMethods.ParameterRate, speech.Rate, 0), "espeak_SetParameter(rate)");
            Check(NativeMethods.SetParameter(NativeMethods.ParameterPitch, speech.Pitch, 0), "espeak_SetParameter(pitch)");
            Check(NativeMethods.SetParameter(NativeMethods.ParameterVolume, speech.Volume, 0), "espeak_SetParameter(volume)");

            Run(utf8, sink);
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static unsafe void Run(byte[] utf8, EspeakSink sink)
    {
        // The sink reaches the static callback through user_data, which eSpeak copies into every event.
        var handle = GCHandle.Alloc(sink);
        try
        {
            int result;
            fixed (byte* p = utf8)
            {
                result = NativeMethods.Synth(p, (nuint)utf8.Length, 0, NativeMethods.PositionCharacter, 0, NativeMethods.CharsUtf8, null, (void*)GCHandle.ToIntPtr(handle));
            }

            sink.Error?.Throw();
            if (!sink.Aborted)
            {
                // An aborted synthesis may report an error code; the caller turns that into cancellation instead.
                Check(result, "espeak_Synth");
            }
        }
        finally
        {
            handle.Free();
        }
    }

    private static unsafe EspeakEngine Create()
    {
        if (CheckAvailable() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var rate = NativeMethods.Initialize(NativeMethods.AudioOutputSynchronous, 100, FindDataParent(), NativeMethods.InitializeDontExit);
        if (rate <= 0)
        {
            throw new InvalidOperationException($"espeak_Initialize failed (returned {rate}); check the Debian package espeak-ng-data.");
        }

        NativeMethods.SetSynthCallback(&OnSynth);
        return new EspeakEngine(rate, new EspeakVoiceCatalog(ReadVoices()));
    }

    private static unsafe List<EspeakVoiceEntry> ReadVoices()
    {
        var list = new List<EspeakVoiceEntry>();
        for (var v = NativeMethods.ListVoices(null); v != null && *v != null; v++)
        {
            var languages = new List<(int, string)>();
            for (var l = (*v)->Languages; l != null && *l != 0;)
            {
                var language = Marshal.PtrToStringUTF8((nint)(l + 1)) ?? "";
                languages.Add((*l, language));
                l += 2 + Encoding.UTF8.GetByteCount(language);
            }

            list.Add(new EspeakVoiceEntry(
                Marshal.PtrToStringUTF8((nint)(*v)->Identifier) ?? "",
                Marshal.PtrToStringUTF8((nint)(*v)->Name) ?? "",
                languages));
        }

        return list;
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{call} failed with eSpeak error {result}.");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int OnSynth(short* wav, int samples, EspeakEvent* events)
    {
        // Returning 1 tells eSpeak to stop this synthesis; exceptions must not cross into C.
        if (events == null || events->UserData == 0 || GCHandle.FromIntPtr(events->UserData).Target is not EspeakSink sink)
        {
            return 0;
        }

        try
        {
            return sink.Accept(wav, samples, events) ? 0 : 1;
        }
        catch (Exception ex)
        {
            sink.Error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            return 1;
        }
    }

    private static string? FindDataParent() =>
        DataParentCandidates().FirstOrDefault(p => File.Exists(Path.Combine(p, "espeak-ng-data", "phontab")));

    // espeak_Initialize wants the directory that *contains* espeak-ng-data. Debian puts it in the multiarch lib directory.
    private static IEnumerable<string> DataParentCandidates()
    {
        if (Environment.GetEnvironmentVariable("ESPEAK_DATA_PATH") is { Length: > 0 } fromEnvironment)
        {
            yield return fromEnvironment;
        }

        var multiarch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.Arm64 => "aarch64-linux-gnu",
            Architecture.Arm => "arm-linux-gnueabihf",
            _ => "x86_64-linux-gnu",
        };
        yield return $"/usr/lib/{multiarch}";
        yield return "/usr/share";
        yield return "/usr/local/share";
    }
}
