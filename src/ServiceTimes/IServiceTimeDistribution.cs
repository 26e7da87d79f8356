namespace ServiceTimes;

/// <summary>A distribution of simulated service times.</summary>
public interface IServiceTimeDistribution
{
    /// <summary>Draws one service time from <paramref name="random"/>.</summary>
    TimeSpan Sample(Random random);

    /// <summary>The distribution's mean.</summary>
    TimeSpan Mean { get; }
}
