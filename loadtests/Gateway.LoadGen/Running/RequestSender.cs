namespace Gateway.LoadGen;

/// <summary>Sends one request as a plan shapes it and turns whatever happens into a <see cref="RequestRecord"/>.</summary>
internal sealed class RequestSender(HttpMessageInvoker invoker, LoadPlan shape, RunClock clock, RunCounters counters)
{
    private static readonly string?[] NoCaptures = [];

    /// <summary>
    /// Never throws: every failure becomes a record. Latency runs from the earlier of <paramref name="scheduled"/>
    /// and <paramref name="sent"/>: a late send is charged its lateness, an early one is timed from when it left.
    /// </summary>
    public async Task<RequestRecord> SendAsync(long index, Uri uri, long scheduled, long sent, CancellationToken cut)
    {
        counters.OnSent();
        var from = Math.Min(scheduled, sent);
        var status = 0;
        string? error = null;
        string? serverTiming = null;
        var captured = shape.CaptureHeaders.Count == 0 ? NoCaptures : new string?[shape.CaptureHeaders.Count];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cut);
        timeout.CancelAfter(shape.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(shape.Method, uri);
            if (shape.Body is { } body)
            {
                request.Content = new ReadOnlyMemoryContent(body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", shape.BodyContentType);
            }

            foreach (var (name, value) in shape.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await invoker.SendAsync(request, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            serverTiming = Header(response, "Server-Timing");
            for (var i = 0; i < captured.Length; i++)
            {
                captured[i] = Header(response, shape.CaptureHeaders[i]);
            }

            await response.Content.CopyToAsync(Stream.Null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            error = ErrorKind.Of(exception, cut.IsCancellationRequested, timeout.IsCancellationRequested);
        }

        var latency = RunClock.Ms(from, RunClock.Now);
        counters.OnCompleted(latency, error is not null);
        return new RequestRecord(index, clock.OffsetMs(scheduled), latency, status, error, serverTiming, captured);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
