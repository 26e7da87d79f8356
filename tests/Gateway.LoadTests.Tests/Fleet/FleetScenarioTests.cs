using Gateway.LoadTests.Fleet;

namespace Gateway.LoadTests.Tests.Fleet;

public sealed class FleetScenarioTests
{
    [Fact]
    public void FleetRefusal_UnknownKey_SaysFleetModeIsNotBuilt()
    {
        // What ServerProcess throws when the gateway exits at start-up, with the gateway's own line.
        const string Output = "Gateway.dll exited before listening:\nGateway: invalid configuration: unknown key Gateway:Fleet; see the README's Configuration section for the keys there are.";

        Assert.Equal("fleet mode is not built yet (the gateway refuses the key Gateway:Fleet)", FleetScenario.FleetRefusal(Output));
    }

    [Fact]
    public void FleetRefusal_AnotherErrorNamingTheKey_QuotesIt()
    {
        const string Output = "Gateway.dll exited before listening:\nGateway: invalid configuration: Gateway:Fleet:Redis is not a connection string.";

        Assert.Equal(
            "the gateway refused fleet mode: Gateway: invalid configuration: Gateway:Fleet:Redis is not a connection string.",
            FleetScenario.FleetRefusal(Output));
    }

    [Fact]
    public void FleetRefusal_AFailureElsewhere_IsNotARefusal()
    {
        Assert.Null(FleetScenario.FleetRefusal("Gateway.dll exited before listening:\nGateway: invalid configuration: unknown key Gateway:Queue:MaxLenght"));
    }
}
