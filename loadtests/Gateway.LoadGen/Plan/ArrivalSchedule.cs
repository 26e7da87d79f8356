namespace Gateway.LoadGen;

/// <summary>
/// The arrival instants of a plan, as offsets in seconds from the start of the run. Pure and seeded: the
/// same phases, process and seed always give the same schedule.
/// </summary>
/// <remarks>
/// Arrivals are placed in "expected arrivals" space, Λ(t) = ∫ rate: a Poisson process takes exponential
/// steps of mean 1 there, a constant one steps of exactly 1 (starting at 0), and each step is mapped back to
/// time by inverting Λ. That is the standard time-rescaling construction, so ramps are a true
/// non-homogeneous Poisson process rather than a sequence of little steps.
/// </remarks>
internal sealed class ArrivalSchedule(IReadOnlyList<LoadPhase> phases, ArrivalProcess process, int seed)
{
    public IEnumerable<double> OffsetsSeconds()
    {
        var random = new Random(seed);
        double phaseStart = 0;
        double lambdaAtPhaseStart = 0;
        var next = process == ArrivalProcess.Constant ? 0 : Exponential(random);
        var phase = 0;
        while (phase < phases.Count)
        {
            var current = phases[phase];
            var duration = current.Duration.TotalSeconds;
            var lambdaAtPhaseEnd = lambdaAtPhaseStart + current.ExpectedArrivals;
            if (next < lambdaAtPhaseEnd)
            {
                var slope = (current.EndRatePerSecond - current.StartRatePerSecond) / duration;
                var local = Invert(next - lambdaAtPhaseStart, current.StartRatePerSecond, slope);
                yield return phaseStart + Math.Min(local, duration);
                next += process == ArrivalProcess.Constant ? 1 : Exponential(random);
            }
            else
            {
                phaseStart += duration;
                lambdaAtPhaseStart = lambdaAtPhaseEnd;
                phase++;
            }
        }
    }

    /// <summary>The t at which r0·t + slope·t²/2 reaches <paramref name="lambda"/>.</summary>
    private static double Invert(double lambda, double r0, double slope)
    {
        if (lambda <= 0)
        {
            return 0;
        }

        // 2Λ / (r0 + √(r0² + 2·slope·Λ)) is the quadratic's root in a form that stays exact for slope = 0 and
        // does not cancel catastrophically when the ramp goes down.
        return 2 * lambda / (r0 + Math.Sqrt(Math.Max(0, (r0 * r0) + (2 * slope * lambda))));
    }

    private static double Exponential(Random random) => -Math.Log(1.0 - random.NextDouble());
}
