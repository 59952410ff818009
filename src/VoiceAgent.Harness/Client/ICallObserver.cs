namespace VoiceAgent.Harness.Client;

/// <summary>Hears what happens in a call as it happens (live captions, playback). Called on the receiving task.</summary>
public interface ICallObserver
{
    void OnMessage(ServerMessage message);

    void OnTurnEnded(TurnResult turn);
}
