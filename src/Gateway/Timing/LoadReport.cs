namespace Gateway.Timing;

/// <summary>An upstream's occupancy, from its <c>endpoint-load-metrics</c> header.</summary>
internal readonly record struct LoadReport(int? InFlight, int? Limit);
