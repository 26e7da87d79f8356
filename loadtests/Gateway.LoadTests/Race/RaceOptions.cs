using System.CommandLine;
using Gateway.LoadGen;
namespace Gateway.LoadTests.Race;

/// <summary>Options of the <c>race</c> scenario.</summary>
internal sealed record RaceOptions(int Jobs, int QdelayMs, int SleepMs, int WorkMs)
{
    public static RaceOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    public static OptionsCommand<RaceOptions> CreateCommandLine()
    {
        var jobs = new TextOption<int>("--jobs", "jobs per client and token kind, 1-1000", "20", v => OptionValue.Int("--jobs", v, 1, 1000));
        var qdelay = new TextOption<int>("--qdelay-ms", "the qdelay in the second token, 1-900000", "2000", v => OptionValue.Int("--qdelay-ms", v, 1, 900_000));
        var sleep = new TextOption<int>("--sleep-ms", "how long the sleeping client waits before it reads once; longer than --work-ms, 1-600000", "500", v => OptionValue.Int("--sleep-ms", v, 1, 600_000));
        var work = new TextOption<int>("--work-ms", "each job's work_ms, 0-60000", "50", v => OptionValue.Int("--work-ms", v, 0, 60_000));
        var command = new Command("race", """
            Clients racing background jobs: one sleeps a fixed time and reads once, one waits on its job token, each run
            with a token without qdelay and with one. Shows which client is right once jobs are delayed.
            """)
        {
            jobs.Option, qdelay.Option, sleep.Option, work.Option,
        };
        return new(command, result =>
        {
            var options = new RaceOptions(jobs.Get(result), qdelay.Get(result), sleep.Get(result), work.Get(result));
            return options.SleepMs > options.WorkMs
                ? options
                : throw new ArgumentException($"--sleep-ms ({options.SleepMs}) must be longer than --work-ms ({options.WorkMs}): the sleeping client must be right without qdelay");
        });
    }

    public string CommandLine => $"loadtests/run.sh race --jobs {Jobs} --qdelay-ms {QdelayMs} --sleep-ms {SleepMs} --work-ms {WorkMs}";
}
