using VoiceAgent.Api.Hosting;

var app = VoiceAgentApp.Build(args);
await app.RunAsync();
