namespace Gateway.LoadBalancing;

internal enum GateOutcome
{
    Granted,
    QueueFull,
    QueueTimeout,
    ClientAborted,
}
