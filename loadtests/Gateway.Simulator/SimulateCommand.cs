using System.Globalization;
using Gateway.Simulator.Command;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Reporting;
using Gateway.Simulator.Statistics;

namespace Gateway.Simulator;

/// <summary>
/// The <c>simulate</c> command: a discrete-event simulation of N upstreams × c worker slots behind K balancer
/// replicas, one table row per policy × utilization. Bad options throw <see cref="ArgumentException"/> with a
/// one-line message naming the option.
/// </summary>
public static class SimulateCommand
{
    /// <summary>The <c>simulate</c> command: the table (or JSON) goes to stdout, simulation speed per row to stderr.</summary>
    public static System.CommandLine.Command Create()
    {
        var commandLine = SimulateOptions.CreateCommandLine();
        commandLine.Command.SetAction(result => Run(commandLine.Bind(result), Console.Out, Console.Error, TimeProvider.System));
        return commandLine.Command;
    }

    internal static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter diagnostics, TimeProvider time) =>
        Run(SimulateOptions.Parse(args), output, diagnostics, time);

    internal static int Run(SimulateOptions options, TextWriter output, TextWriter diagnostics, TimeProvider time)
    {
        var results = new List<SimulationResult>();
        long simulated = 0;
        var allStarted = time.GetTimestamp();
        foreach (var scenario in options.Scenarios())
        {
            var started = time.GetTimestamp();
            var result = new Simulation(scenario).Run();
            var wall = time.GetElapsedTime(started).TotalSeconds;
            simulated += result.Requests;
            diagnostics.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"simulate: {scenario.Policy}, {scenario.Replicas} replicas, {scenario.Upstreams} × {scenario.Slots}, utilization {scenario.Utilization:0.00}: "
                + $"{result.Requests} requests in {wall:0.00} s wall = {result.Requests / wall / 1e6:0.00} M simulated requests/s"));
            results.Add(result);
        }

        var allWall = time.GetElapsedTime(allStarted).TotalSeconds;
        diagnostics.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"simulate: {results.Count} rows, {simulated} requests in {allWall:0.00} s wall = {simulated / allWall / 1e6:0.00} M simulated requests/s on one core"));

        if (options.Json)
        {
            JsonReport.Write(output, results, options);
        }
        else
        {
            MarkdownReport.Write(output, results, options.ToCommandLine());
        }

        return 0;
    }
}
