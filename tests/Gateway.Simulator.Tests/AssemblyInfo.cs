// The simulator's statistical tests are CPU-bound; running them side by side only slows each one down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
