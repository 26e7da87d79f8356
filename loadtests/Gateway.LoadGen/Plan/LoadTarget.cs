namespace Gateway.LoadGen;

/// <summary>
/// A system under test. Every arrival is sent to every target at the same instant (a paired comparison:
/// the systems see the same arrivals on the same machine at the same moment). Within a target, arrivals
/// rotate over its <paramref name="Urls"/>: arrival <c>i</c> goes to <c>Urls[i % Urls.Count]</c>, e.g. to
/// spread one system's load over several gateway replicas; or at random, with <see cref="Selection"/>.
/// </summary>
public sealed record LoadTarget(string Name, IReadOnlyList<Uri> Urls)
{
    public UrlSelection Selection { get; init; } = UrlSelection.RoundRobin;

    /// <summary>A target with one URL, named after it.</summary>
    public static LoadTarget Of(Uri url) => new(url.ToString(), [url]);
}
