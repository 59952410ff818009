using Xunit.Abstractions;
using Xunit.Sdk;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>Discovers <see cref="StoreFactAttribute"/> facts as <see cref="StoreTestCase"/>s, which look at their concrete class to decide whether to skip.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new StoreTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}
