using Gateway.LoadTests.Fleet;

namespace Gateway.LoadTests.Tests.Fleet;

public sealed class CpuSettleTests
{
    [Fact]
    public void ParseCpuLine_CountsIdleAndIowaitAsIdleAndLeavesGuestInsideUser()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var (idle, total) = CpuSettle.ParseCpuLine("cpu  100 5 50 800 20 3 2 10 40 0");

        Assert.Equal((820L, 990L), (idle, total));
    }

    [Fact]
    public void ParseCpuLine_ACoreLine_Throws()
    {
        Assert.Throws<FormatException>(() => CpuSettle.ParseCpuLine("cpu0 100 5 50 800 20 3 2 10 0 0"));
    }

    [Fact]
    public void IdleShare_IsIdleTicksOverAllTicksBetweenReadings()
    {
        Assert.Equal(0.25, CpuSettle.IdleShare((800, 1000), (850, 1200)));
        Assert.True(double.IsNaN(CpuSettle.IdleShare((800, 1000), (800, 1000))));
    }
}
