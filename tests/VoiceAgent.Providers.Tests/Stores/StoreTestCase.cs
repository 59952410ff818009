using Xunit.Abstractions;
using Xunit.Sdk;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>
/// A contract fact bound to its concrete class. The skip reason is worked out from that class's
/// <see cref="RequiresEnvironmentAttribute"/> whenever the case is initialised, so nothing extra needs serialising.
/// </summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes", error: true)]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(sink, display, options, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        foreach (var requirement in TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute)))
        {
            var variable = requirement.GetNamedArgument<string>(nameof(RequiresEnvironmentAttribute.Variable));
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
            {
                return $"{variable} is not set";
            }
        }

        return base.GetSkipReason(factAttribute);
    }
}
