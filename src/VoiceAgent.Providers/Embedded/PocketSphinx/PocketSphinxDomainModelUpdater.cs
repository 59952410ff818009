using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceAgent.Providers.Embedded.Dialogue;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>
/// Keeps a PocketSphinx client's domain model in step with what the agent is meant to understand: built when this is
/// created (at start-up), rebuilt when <c>VoiceAgent:Asr:Embedded</c> (phrases, the on/off setting) or the dialogue
/// engine's FAQ changes, and removed when turned off.
/// </summary>
public sealed partial class PocketSphinxDomainModelUpdater : IDisposable
{
    private readonly PocketSphinxSpeechToTextClient _client;
    private readonly IOptionsMonitor<PocketSphinxOptions> _asr;
    private readonly IOptionsMonitor<DialogueOptions> _dialogue;
    private readonly PocketSphinxDomainModelBuilder _builder;
    private readonly ILogger<PocketSphinxDomainModelUpdater> _logger;
    private readonly IDisposable?[] _subscriptions;
    private readonly Lock _gate = new();
    private string? _builtFrom;
    private string? _currentDirectory;
    private string? _ownedRoot;
    private int _generation;

    public PocketSphinxDomainModelUpdater(
        PocketSphinxSpeechToTextClient client,
        IOptionsMonitor<PocketSphinxOptions> asr,
        IOptionsMonitor<DialogueOptions> dialogue,
        PocketSphinxDomainModelBuilder builder,
        ILogger<PocketSphinxDomainModelUpdater> logger)
    {
        _client = client;
        _asr = asr;
        _dialogue = dialogue;
        _builder = builder;
        _logger = logger;
        Update();
        _subscriptions = [asr.OnChange(_ => Update()), dialogue.OnChange(_ => Update())];
    }

    /// <summary>The client whose domain model this keeps.</summary>
    public PocketSphinxSpeechToTextClient Client => _client;

    /// <summary>Builds and loads the model if the phrases or settings changed since the last build; never throws.</summary>
    public void Update()
    {
        lock (_gate)
        {
            try
            {
                var asr = _asr.CurrentValue;
                if (!asr.DomainModel || asr.GrammarPath is not null || asr.KeywordsPath is not null)
                {
                    _builtFrom = null;
                    _client.UseDomainModel(null);
                    return;
                }

                var phrases = DialoguePhrases.English(_dialogue.CurrentValue).Concat(asr.Phrases).ToList();
                var key = asr.DictionaryPath + "\n" + string.Join('\n', phrases);
                if (key == _builtFrom)
                {
                    return;
                }

                // A fresh folder per build: decoders of the model in use may still be loading from the old files.
                var directory = Path.Combine(Root(asr), "build-" + (++_generation).ToString(System.Globalization.CultureInfo.InvariantCulture));
                var model = _builder.Build(phrases, asr.DictionaryPath, directory);
                _client.UseDomainModel(model);
                _builtFrom = key;
                DeleteQuietly(_currentDirectory);
                _currentDirectory = directory;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException)
            {
                LogFailed(e);
            }
        }
    }

    public void Dispose()
    {
        foreach (var s in _subscriptions)
        {
            s?.Dispose();
        }

        DeleteQuietly(_ownedRoot ?? _currentDirectory);
    }

    private string Root(PocketSphinxOptions asr)
    {
        if (!string.IsNullOrWhiteSpace(asr.DomainModelDirectory))
        {
            return asr.DomainModelDirectory;
        }

        return _ownedRoot ??= Directory.CreateTempSubdirectory("voiceagent-asr-domain-").FullName;
    }

    private static void DeleteQuietly(string? directory)
    {
        try
        {
            if (directory is not null && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover folder in the temporary directory does no harm.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "ASR domain model could not be built; the generic model alone is used")]
    private partial void LogFailed(Exception exception);
}
