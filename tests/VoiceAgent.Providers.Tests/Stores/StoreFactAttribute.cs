using Xunit.Sdk;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>
/// A fact of the shared store contract. It is declared once on the abstract suite, so whether it can run depends on the
/// concrete class: one marked <see cref="RequiresEnvironmentAttribute"/> reports it SKIPPED when that variable is unset.
/// </summary>
[XunitTestCaseDiscoverer("VoiceAgent.Providers.Tests.Stores.StoreFactDiscoverer", "VoiceAgent.Providers.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;
