namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>Marks a test class whose <see cref="StoreFactAttribute"/> facts need an environment variable (for example a database to talk to).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}
