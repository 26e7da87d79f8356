namespace Gateway.LoadGen;

/// <summary>How a target with several URLs picks one for each arrival.</summary>
public enum UrlSelection
{
    /// <summary>Arrival <c>i</c> goes to <c>Urls[i % Urls.Count]</c>, e.g. to spread load over gateway replicas.</summary>
    RoundRobin,

    /// <summary>
    /// A uniformly random URL per arrival, from a stream seeded by the plan's seed: clients that pick an upstream
    /// at random with no balancer in between ("random-direct").
    /// </summary>
    Random,
}
