namespace Gateway.LoadTests.Race;

/// <summary>Options of the <c>race</c> scenario.</summary>
internal sealed record RaceOptions(int Jobs, int QdelayMs, int SleepMs, int WorkMs)
{
    public static RaceOptions Parse(string[] args)
    {
        int jobs = 20, qdelayMs = 2000, sleepMs = 500, workMs = 50;
        for (var i = 0; i < args.Length; i++)
        {
            var value = OptionValue.After(args, i);
            switch (args[i])
            {
                case "--jobs":
                    jobs = OptionValue.Int("--jobs", value, 1, 1000);
                    break;
                case "--qdelay-ms":
                    qdelayMs = OptionValue.Int("--qdelay-ms", value, 1, 900_000);
                    break;
                case "--sleep-ms":
                    sleepMs = OptionValue.Int("--sleep-ms", value, 1, 600_000);
                    break;
                case "--work-ms":
                    workMs = OptionValue.Int("--work-ms", value, 0, 60_000);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }

            i++;
        }

        if (sleepMs <= workMs)
        {
            throw new ArgumentException($"--sleep-ms ({sleepMs}) must be longer than --work-ms ({workMs}): the sleeping client must be right without qdelay");
        }

        return new RaceOptions(jobs, qdelayMs, sleepMs, workMs);
    }

    public string CommandLine => $"loadtests/run.sh race --jobs {Jobs} --qdelay-ms {QdelayMs} --sleep-ms {SleepMs} --work-ms {WorkMs}";
}
