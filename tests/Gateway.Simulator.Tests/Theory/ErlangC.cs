namespace Gateway.Simulator.Tests.Theory;

/// <summary>Erlang C: the M/M/c queue's probability of waiting and its mean wait, for checking the simulator.</summary>
internal static class ErlangC
{
    /// <summary>
    /// The probability that an arrival waits, with <paramref name="servers"/> servers and an offered load of
    /// <paramref name="offeredLoad"/> erlangs (arrival rate × mean service time), below <paramref name="servers"/>.
    /// </summary>
    public static double WaitProbability(int servers, double offeredLoad)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(servers, 1);
        if (!(offeredLoad > 0 && offeredLoad < servers))
        {
            throw new ArgumentOutOfRangeException(nameof(offeredLoad), "The offered load must be in (0, servers).");
        }

        // Erlang B by its recurrence, which stays finite where a^c / c! would overflow; then C from B.
        var blocking = 1.0;
        for (var k = 1; k <= servers; k++)
        {
            blocking = offeredLoad * blocking / (k + (offeredLoad * blocking));
        }

        return servers * blocking / (servers - (offeredLoad * (1 - blocking)));
    }

    /// <summary>The mean wait before service (Wq), in the unit of <paramref name="meanService"/>.</summary>
    public static double MeanWait(int servers, double offeredLoad, double meanService) =>
        WaitProbability(servers, offeredLoad) * meanService / (servers - offeredLoad);
}
