namespace Gateway.Admission.Redis;

/// <summary>
/// The <c>Gateway:Admission:Redis</c> section: token buckets shared by every replica through a redis-server. Empty
/// <see cref="Configuration"/> (the default) keeps each replica's buckets in its own memory. <see cref="Configuration"/>,
/// <see cref="Timeout"/> and <see cref="BreakDuration"/> are read at start-up; the others apply on the next request.
/// </summary>
public sealed class AdmissionRedisOptions
{
    public const string SectionName = "Gateway:Admission:Redis";

    /// <summary>
    /// A StackExchange.Redis (3.x) connection string, e.g. <c>127.0.0.1:6379</c>. Default empty: local buckets only.
    /// Unless it sets them, <c>connectTimeout</c> and <c>syncTimeout</c> (which <c>asyncTimeout</c> follows) are 1 s, a
    /// lost connection is retried every 0.5 s, and <c>abortConnect</c> is always off, so a Redis that is down at
    /// start-up never stops the gateway.
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of each tenant's hash key (<c>&lt;prefix&gt;&lt;tenant&gt;</c>). Default <c>gateway:admission:</c>.</summary>
    public string KeyPrefix { get; set; } = "gateway:admission:";

    /// <summary>What enqueue routes do while Redis cannot be reached. Default <see cref="AdmissionFailureMode.Open"/>.</summary>
    public AdmissionFailureMode FailureMode { get; set; } = AdmissionFailureMode.Open;

    /// <summary>How many gateway replicas share the buckets: in fail-open each takes rate / replicas locally. Default 1.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>Longest wait for one Redis call before it counts as failed. Default 250 ms.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the circuit stays open after Redis failures before one call probes it again. Default 1 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most tokens a replica reserves from a tenant's shared bucket in one round trip; <c>1</c> makes every request
    /// one Redis call. Default 20.
    /// </summary>
    public int MaxBatch { get; set; } = 20;

    /// <summary>
    /// A reservation holds about this much of the tenant's rate (rate × window, at least 1, at most
    /// <see cref="MaxBatch"/> and half of one replica's share of the burst). Default 100 ms.
    /// </summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Reserved tokens not used within this time are dropped, so a replica does not hoard them. Default 1 s.</summary>
    public TimeSpan ReserveLifetime { get; set; } = TimeSpan.FromSeconds(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
