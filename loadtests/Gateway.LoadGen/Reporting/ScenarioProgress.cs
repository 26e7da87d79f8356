using System.Globalization;

namespace Gateway.LoadGen;

/// <summary>
/// A long scenario's live status on a terminal: phase, elapsed and remaining time, and the current run's send rate and
/// p99, redrawn once a second on one stderr line. When stderr is not a terminal it draws nothing, so logs and CI output
/// keep only the scenario's own lines.
/// </summary>
/// <remarks>
/// A plain redrawn line rather than Spectre.Console's live display: the scenarios write their own log lines and tables
/// between runs, and a live display owns the console while it runs.
/// </remarks>
public sealed class ScenarioProgress
{
    private readonly string _scenario;
    private readonly TimeSpan _planned;
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _gate = new();
    private string _phase = "";
    private bool _drawn;

    /// <param name="scenario">Its name, first on the line.</param>
    /// <param name="planned">How long the measured phases take in all; remaining time counts down from it.</param>
    /// <param name="output">Where the line goes.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal; nothing is drawn otherwise.</param>
    /// <param name="time">The clock.</param>
    public ScenarioProgress(string scenario, TimeSpan planned, TextWriter output, bool interactive, TimeProvider time)
    {
        (_scenario, _planned, _output, _time) = (scenario, planned, output, time);
        Interactive = interactive;
        _started = time.GetTimestamp();
    }

    public bool Interactive { get; }

    /// <summary>On stderr, drawn only when stderr is a terminal.</summary>
    public static ScenarioProgress ForConsole(string scenario, TimeSpan planned) =>
        new(scenario, planned, Console.Error, interactive: !Console.IsErrorRedirected, TimeProvider.System);

    /// <summary>Starts a phase; pass the result to the generator's run. Null when not on a terminal.</summary>
    public Action<LoadProgress>? Phase(string phase)
    {
        lock (_gate)
        {
            _phase = phase;
        }

        return Interactive ? Draw : null;
    }

    /// <summary>Ends the status line, so that what the scenario writes next starts on a line of its own.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_drawn)
            {
                _output.WriteLine();
                _drawn = false;
            }
        }
    }

    internal string Format(LoadProgress progress)
    {
        var elapsed = _time.GetElapsedTime(_started);
        var remaining = _planned - elapsed;
        var p99 = double.IsNaN(progress.P99SoFarMs) ? "–" : progress.P99SoFarMs.ToString("0.0", CultureInfo.InvariantCulture);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{_scenario}: {_phase}  elapsed {Clock(elapsed)}  remaining ~{(remaining > TimeSpan.Zero ? Clock(remaining) : "0:00")}  {progress.RatePerSecond:0}/s  errors {progress.Errors}  p99 {p99} ms");
    }

    private static string Clock(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}:{span.Seconds:00}");

    private void Draw(LoadProgress progress)
    {
        lock (_gate)
        {
            _output.Write("\r" + Format(progress) + "\u001b[K");
            _drawn = true;
        }
    }
}
