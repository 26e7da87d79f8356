using System.Globalization;
using DemoUpstream.Slots;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Work;

/// <summary>Serves simulated work on every path nothing else claims, and the test-facing stats.</summary>
internal static class SimulatedWorkEndpoints
{
    private static readonly object ServedOnConnection = new();

    public static IEndpointRouteBuilder MapSimulatedWork(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/demo/stats", (SlotPool slots) => Results.Json(new
        {
            slots = slots.Slots,
            busy = slots.Busy,
            queue_length = slots.QueueLength,
            max_in_flight = slots.MaxInFlight,
            arrivals_by_in_flight = slots.ArrivalsByInFlight(),
        }));
        endpoints.MapPost("/demo/stats/reset", (SlotPool slots) =>
        {
            slots.ResetMaxInFlight();
            return Results.NoContent();
        });
        // A health probe that takes no slot: 200 with the same load report as a work response, so a balancer's
        // active health check learns the limit before it sends any traffic.
        endpoints.MapGet("/healthz", (HttpContext context, SlotPool slots) =>
        {
            WriteLoadReport(context.Response.Headers, slots.InFlight, slots.Slots);
            return Results.Ok(new { status = "ok" });
        });

        // Overload on demand: for the next N seconds every work request is answered 503 with Retry-After N, as an
        // app server shedding load would. Lets tests and scenarios check that a balancer treats that as load, not death.
        endpoints.MapPost("/demo/overload", (HttpContext context, OverloadSwitch overload) =>
        {
            if (!int.TryParse(context.Request.Query["seconds"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds is < 0 or > 3600)
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Invalid 'seconds' query parameter",
                    detail: $"'seconds' must be an integer between 0 and 3600, got '{context.Request.Query["seconds"]}'.");
            }

            overload.ShedFor(TimeSpan.FromSeconds(seconds));
            return Results.NoContent();
        });
        endpoints.MapFallback(ServeAsync);
        return endpoints;
    }

    /// <summary>
    /// Answers every Nth request on a connection with <c>Connection: close</c>, as some app servers do
    /// (e.g. a keep-alive request limit), so clients must open new connections.
    /// </summary>
    private static void CloseConnectionIfDue(HttpContext context, int every)
    {
        if (every <= 0 || context.Features.Get<IConnectionItemsFeature>() is not { } connection)
        {
            return;
        }

        var served = connection.Items.TryGetValue(ServedOnConnection, out var n) ? (int)n! + 1 : 1;
        connection.Items[ServedOnConnection] = served;
        if (served % every == 0)
        {
            context.Response.Headers.Connection = "close";
        }
    }

    private static void WriteLoadReport(IHeaderDictionary headers, int inFlight, int limit) =>
        headers["endpoint-load-metrics"] = string.Create(
            CultureInfo.InvariantCulture, $"TEXT named_metrics.inflight={inFlight}, named_metrics.limit={limit}");

    private static async Task ServeAsync(
        HttpContext context, SlotPool slots, ServiceTimeSampler sampler, TimeProvider time, IOptions<DemoUpstreamOptions> options, DemoMetrics metrics,
        OverloadSwitch overload)
    {
        CloseConnectionIfDue(context, options.Value.CloseConnectionEvery);
        TimeSpan serviceTime;
        if (context.Request.Query.TryGetValue("ms", out var msText))
        {
            if (!double.TryParse(msText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) || !double.IsFinite(ms) || ms < 0 || ms > 600_000)
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Invalid 'ms' query parameter",
                    detail: $"'ms' must be a number of milliseconds between 0 and 600000, got '{msText}'.").ExecuteAsync(context);
                metrics.RecordRequest(StatusCodes.Status400BadRequest);
                return;
            }

            serviceTime = TimeSpan.FromMilliseconds(ms);
        }
        else
        {
            serviceTime = sampler.Next();
        }

        if (overload.Remaining() is { } shedding)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(shedding.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Overloaded").ExecuteAsync(context);
            metrics.RecordRequest(StatusCodes.Status503ServiceUnavailable);
            return;
        }

        var ct = context.RequestAborted;
        var arrived = time.GetTimestamp();
        int inFlight;
        TimeSpan queued, inSlot;
        try
        {
            await slots.AcquireAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            metrics.RecordRequest(StatusCodes.Status499ClientClosedRequest);
            throw;
        }

        try
        {
            var acquired = time.GetTimestamp();
            queued = time.GetElapsedTime(arrived, acquired);
            metrics.RecordQueueWait(queued);
            await Task.Delay(serviceTime, time, ct);
            inSlot = time.GetElapsedTime(acquired);

            // Measured while this request still holds its slot, so the report counts it.
            inFlight = slots.InFlight;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            metrics.RecordRequest(StatusCodes.Status499ClientClosedRequest);
            throw;
        }
        finally
        {
            slots.Release();
        }

        metrics.RecordService(inSlot);
        metrics.RecordRequest(StatusCodes.Status200OK);

        var headers = context.Response.Headers;
        headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={inSlot.TotalMilliseconds:0.###}");
        WriteLoadReport(headers, inFlight, slots.Slots);
        headers["X-Demo-Queue-Ms"] = queued.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(
            new
            {
                service = options.Value.ServiceName,
                path = context.Request.Path.Value,
                queue_ms = Math.Round(queued.TotalMilliseconds, 3),
                app_ms = Math.Round(inSlot.TotalMilliseconds, 3),
            },
            ct);
    }
}
