namespace Gateway.LoadGen;

/// <summary>Why a run stopped sending.</summary>
public enum LoadStopReason
{
    /// <summary>The schedule ended: the last phase, or the closed loop's duration, was over.</summary>
    Completed,

    /// <summary><see cref="LoadPlan.MaxRequests"/> arrivals were sent.</summary>
    MaxRequests,

    /// <summary><see cref="LoadPlan.MaxDuration"/> was reached before the schedule ended.</summary>
    MaxDuration,
}
