using System.CommandLine;
using System.Globalization;

namespace Gateway.LoadGen;

/// <summary>The <c>load</c> command: one open-loop run against one or more URLs, reported as a Markdown table.</summary>
public static class LoadCommand
{
    /// <summary>
    /// The <c>loadtests/run.sh load</c> command. A live status line goes to stderr only when it is a terminal; the
    /// table and a "Reproduce:" line go to stdout. Options only wrong together throw <see cref="ArgumentException"/>.
    /// </summary>
    public static Command Create()
    {
        var commandLine = LoadOptions.CreateCommandLine();
        commandLine.Command.SetAction((result, cancellationToken) =>
            RunAsync(commandLine.Bind(result), Console.Out, Console.Error, interactive: !Console.IsErrorRedirected, cancellationToken));
        return commandLine.Command;
    }

    internal static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellationToken) =>
        RunAsync(LoadOptions.Parse(args), stdout, stderr, interactive, cancellationToken);

    internal static async Task<int> RunAsync(LoadOptions options, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellationToken)
    {
        using var generator = new LoadGenerator();
        Action<LoadProgress>? progress = interactive ? p => stderr.Write("\r" + ProgressLine.Format(p) + "\u001b[K") : null;
        LoadResult result;
        try
        {
            using (var warmUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                warmUp.CancelAfter(options.Timeout);
                await generator.WarmUpAsync(options.Urls.Distinct(), connectionsPerUrl: 4, warmUp.Token);
            }

            result = await generator.RunAsync(options.ToPlan(), options.ToTargets(), progress, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync(interactive ? "\nload: cancelled" : "load: cancelled");
            return 130;
        }

        if (interactive)
        {
            await stderr.WriteLineAsync();
        }

        var markdown = LoadReport.ToMarkdown(result);
        var reproduce = $"Reproduce: loadtests/run.sh load {options.ToCommandLine()}";
        await stdout.WriteLineAsync();
        await stdout.WriteAsync(markdown);
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync(reproduce);
        if (options.JsonPath is not null)
        {
            await File.WriteAllTextAsync(options.JsonPath, LoadReport.ToJson(result, includeRequests: true), CancellationToken.None);
        }

        if (options.MarkdownPath is not null)
        {
            await File.WriteAllTextAsync(options.MarkdownPath, markdown + "\n" + reproduce + "\n", CancellationToken.None);
        }

        await stderr.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"load: {result.Arrivals} arrivals x {result.Targets.Count} target(s) in {result.Elapsed.TotalSeconds:0.0} s, stop: {result.StopReason}; "
            + $"sent {result.AchievedRatePerSecond:0.0}/s of {result.ScheduledRatePerSecond:0.0}/s scheduled, send lag p99 {result.SendLag.P99:0.00} ms; "
            + $"errors {result.Targets.Sum(t => t.Errors)}"));
        return 0;
    }
}
