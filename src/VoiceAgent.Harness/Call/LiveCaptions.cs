using VoiceAgent.Harness.Client;

namespace VoiceAgent.Harness.Call;

/// <summary>Prints captions as they arrive: the user's partial words updating on one line (on a terminal), finals, agent sentences.</summary>
public sealed class LiveCaptions(TextWriter output, bool interactive) : ICallObserver
{
    private readonly Lock _gate = new();
    private bool _partialShown;

    public void OnMessage(ServerMessage message)
    {
        lock (_gate)
        {
            switch (message.Type)
            {
                case "asr" when !message.Final:
                    if (interactive)
                    {
                        output.Write("\r\u001b[K  you … " + message.Msg);
                        _partialShown = true;
                    }

                    break;
                case "asr":
                    Line($"  you: {message.Msg}");
                    break;
                case "text":
                    Line($"agent: {message.Msg}");
                    break;
                case "interrupt":
                    Line($"  --- interrupted (turn {message.TurnId})");
                    break;
                case "error":
                case "invalid":
                    Line($"error: {message.Code} {message.Msg}{(message.Fatal ? " (fatal)" : "")}");
                    break;
            }
        }
    }

    public void OnTurnEnded(TurnResult turn)
    {
    }

    private void Line(string text)
    {
        if (_partialShown)
        {
            output.Write("\r\u001b[K");
            _partialShown = false;
        }

        output.WriteLine(text);
    }
}
