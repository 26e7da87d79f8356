using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Integration;

/// <summary>Calls DemoUpstream's jobs API (through the gateway) the way a client would: enqueue, then wait on the job token.</summary>
internal sealed class JobsClient(HttpClient client, Uri baseAddress)
{
    public string? Token { get; init; }

    public async Task<HttpResponseMessage> EnqueueAsync(object body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "jobs")) { Content = JsonContent.Create(body) };
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Enqueues and returns the job's id, failing unless the answer is 202 with a Location.</summary>
    public async Task<string> EnqueueAcceptedAsync(object body, params (string Name, string Value)[] headers)
    {
        using var response = await EnqueueAsync(body, headers);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Expected 202, got {(int)response.StatusCode}: {text}");
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        Assert.Equal($"/jobs/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    /// <summary>Long-polls the job until it is terminal.</summary>
    public Task<JsonElement> WaitForTerminalAsync(string id, TimeSpan timeout) => Eventually.ValueAsync(
        () => GetAsync(id, waitMs: 5000),
        job => job.GetProperty("status").GetString() is "succeeded" or "failed" or "dead-lettered",
        $"job {id} is terminal",
        timeout);

    private async Task<JsonElement> GetAsync(string id, int waitMs)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, $"jobs/{id}?wait_ms={waitMs}"));
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /jobs/{id}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary><c>visible_at − enqueued_at</c>: the delay the job's service applied.</summary>
    public static TimeSpan VisibilityDelay(JsonElement job) =>
        job.GetProperty("visible_at").GetDateTimeOffset() - job.GetProperty("enqueued_at").GetDateTimeOffset();
}
