namespace DemoUpstream.Jobs;

/// <summary>Settings from the <c>DemoUpstream:Jobs</c> configuration section: the async jobs API's workers and queues.</summary>
public sealed class JobsOptions
{
    public const string SectionName = "DemoUpstream:Jobs";

    /// <summary>The priority classes used when <see cref="Queues"/> is not set.</summary>
    public static readonly IReadOnlyList<string> DefaultQueues = ["high", "default", "low"];

    /// <summary>Workers running jobs at once. Default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// Priority classes, highest first; each is one in-memory queue. Empty (the default) means <c>high, default, low</c>.
    /// (A default list here would be appended to, not replaced, by configuration binding.)
    /// </summary>
    public string[] Queues { get; set; } = [];

    /// <summary>The priority class of a job whose request names none. Default <c>default</c>; must be one of the queues.</summary>
    public string DefaultQueue { get; set; } = "default";

    /// <summary>Attempts before a failing job is dead-lettered with reason <c>attempts</c>. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Backoff before the first retry; each later retry doubles it, with jitter. Default 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The most a retry backoff can be. Default 10 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A job not started within this long of becoming visible is dead-lettered with reason <c>ttl</c>. Default 1 h.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most descendant jobs one request may cause: <c>children</c> + <c>children</c>² + … over <c>child_depth</c>
    /// levels. Default 100.
    /// </summary>
    public int MaxChildren { get; set; } = 100;

    /// <summary>
    /// On shutdown, how long workers keep running queued jobs before the rest are dead-lettered with reason
    /// <c>shutdown</c>. The host's shutdown timeout is raised above it. Default 30 s.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>If set, every job's terminal state is appended to this file as one JSON line. Default unset.</summary>
    public string? JournalPath { get; set; }

    /// <summary>Jobs queued (visible or not) beyond which <c>POST /jobs</c> answers 503 with Retry-After. Default 100000.</summary>
    public int MaxQueued { get; set; } = 100_000;

    /// <summary>Finished jobs kept for <c>GET /jobs/{id}</c>; the oldest finished are forgotten first. Default 100000.</summary>
    public int RetainFinished { get; set; } = 100_000;

    /// <summary>Seed for qdelay jitter and retry jitter; unset means a random seed.</summary>
    public int? Seed { get; set; }

    /// <summary>The priority classes in effect, highest first.</summary>
    public IReadOnlyList<string> EffectiveQueues() => Queues.Length > 0 ? Queues : DefaultQueues;
}
