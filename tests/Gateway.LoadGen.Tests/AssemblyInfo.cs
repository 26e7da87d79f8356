// Integration tests start real processes and put real load on this machine's two cores;
// running them side by side would make each one's latency figures meaningless.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
