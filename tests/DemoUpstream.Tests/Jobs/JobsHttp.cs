using System.Net;
using System.Text;
using System.Text.Json;

namespace DemoUpstream.Tests.Jobs;

/// <summary>Requests to the jobs API as a client (or the gateway, which sets X-Tenant-Id and baggage) makes them.</summary>
internal static class JobsHttp
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(
        HttpClient client, string json = "{}", string? tenant = null, string? baggage = null, string? traceparent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        AddHeaders(request, tenant, baggage, traceparent);
        var response = await client.SendAsync(request);
        return (response, await ReadJsonAsync(response));
    }

    /// <summary>POSTs and requires a 202: the job's id.</summary>
    public static async Task<string> EnqueueAsync(HttpClient client, string json = "{}", string? tenant = null, string? baggage = null)
    {
        var (response, body) = await PostAsync(client, json, tenant, baggage);
        using (response)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return body.GetProperty("id").GetString()!;
        }
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(HttpClient client, string id, string? query = null, string? tenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/jobs/{id}{query}");
        AddHeaders(request, tenant, null, null);
        var response = await client.SendAsync(request);
        return (response, await ReadJsonAsync(response));
    }

    /// <summary>The job once finished (long-polling), requiring a 200.</summary>
    public static async Task<JsonElement> WaitFinishedAsync(HttpClient client, string id)
    {
        var (response, body) = await GetAsync(client, id, "?wait_ms=20000");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(body.GetProperty("status").GetString(), new[] { "succeeded", "failed", "dead-lettered" });
            return body;
        }
    }

    public static string Header(HttpResponseMessage response, string name)
    {
        Assert.True(response.Headers.TryGetValues(name, out var values), $"missing header {name}");
        return Assert.Single(values);
    }

    public static void AssertProblem(HttpResponseMessage response, JsonElement body, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(reason, body.GetProperty("reason").GetString());
    }

    private static void AddHeaders(HttpRequestMessage request, string? tenant, string? baggage, string? traceparent)
    {
        if (tenant is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Tenant-Id", tenant);
        }

        if (baggage is not null)
        {
            request.Headers.TryAddWithoutValidation("baggage", baggage);
        }

        if (traceparent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0 || response.Content.Headers.ContentType?.MediaType is not ("application/json" or "application/problem+json"))
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
