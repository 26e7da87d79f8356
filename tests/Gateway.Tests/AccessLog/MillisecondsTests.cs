using System.Globalization;
using System.Text;
using Gateway.AccessLog;

namespace Gateway.Tests.AccessLog;

public sealed class MillisecondsTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(0.0004, "0")]
    [InlineData(0.0006, "0.001")]
    [InlineData(1.5, "1.5")]
    [InlineData(12.3456, "12.346")]
    [InlineData(20.9, "20.9")]
    [InlineData(100.0, "100")]
    [InlineData(0.01, "0.01")]
    [InlineData(99.9996, "100")]
    [InlineData(-2.25, "-2.25")]
    [InlineData(-0.0001, "0")]
    [InlineData(123456789.123, "123456789.123")]
    public void Format_IsAtMostThreeDecimalsWithoutTrailingZeros(double value, string expected)
    {
        Assert.Equal(expected, Utf8(new Milliseconds(value)));
        Assert.Equal(expected, Chars(new Milliseconds(value)));
    }

    [Fact]
    public void Format_AgreesWithTheNumericFormatItReplaces()
    {
        // Durations as the gateway sees them: from microseconds to minutes, at Stopwatch resolution (100 ns ticks).
        var random = new Random(16);
        for (var i = 0; i < 100_000; i++)
        {
            var ticks = (long)Math.Pow(10, random.NextDouble() * 9);
            var ms = TimeSpan.FromTicks(ticks).TotalMilliseconds;
            Assert.Equal(ms.ToString("0.###", CultureInfo.InvariantCulture), Utf8(new Milliseconds(ms)));
        }
    }

    [Fact]
    public void Format_Absent_IsADash()
    {
        Assert.Equal("-", Utf8(new Milliseconds(null)));
        Assert.Equal("-", new Milliseconds(null).ToString());
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(2e15, "2000000000000000")]
    public void Format_OutsideTheIntegerPath_FallsBackToTheNumericFormat(double value, string expected)
    {
        Assert.Equal(expected, Utf8(new Milliseconds(value)));
        Assert.Equal(expected, Chars(new Milliseconds(value)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Format_DestinationTooSmall_ReportsFalse(int room)
    {
        var figure = new Milliseconds(12.345); // "12.345": 6 bytes

        Assert.False(((IUtf8SpanFormattable)figure).TryFormat(new byte[room], out _, default, null));
        Assert.False(((ISpanFormattable)figure).TryFormat(new char[room], out _, default, null));
    }

    [Fact]
    public void Of_TakesATimeSpansMilliseconds()
    {
        Assert.Equal("1.25", Milliseconds.Of(TimeSpan.FromMicroseconds(1250)).ToString());
    }

    private static string Utf8(Milliseconds figure)
    {
        var buffer = new byte[64];
        Assert.True(((IUtf8SpanFormattable)figure).TryFormat(buffer, out var written, default, null));
        return Encoding.UTF8.GetString(buffer, 0, written);
    }

    private static string Chars(Milliseconds figure)
    {
        var buffer = new char[64];
        Assert.True(((ISpanFormattable)figure).TryFormat(buffer, out var written, default, null));
        return new string(buffer, 0, written);
    }
}
