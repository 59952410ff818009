using System.CommandLine;
using VoiceAgent.Harness.Cli;
using VoiceAgent.Harness.Phone;

var root = new RootCommand("VoiceAgent test harness: voice calls from a WAV file or the microphone, and load tests, against /chat/voice_call.")
{
    CallCommand.Create(),
    LoadCommand.Create(),
    PhoneCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
