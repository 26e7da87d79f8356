using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Simulator.Command;
using Gateway.Simulator.Statistics;

namespace Gateway.Simulator.Reporting;

/// <summary>The <c>simulate --json</c> output: one array of row objects, each self-describing.</summary>
internal static class JsonReport
{
    public static void Write(TextWriter output, IReadOnlyList<SimulationResult> results, SimulateOptions options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var r in results)
            {
                json.WriteStartObject();
                json.WriteString("policy", r.Policy.ToString());
                json.WriteNumber("replicas", r.Replicas);
                json.WriteNumber("upstreams", r.Upstreams);
                json.WriteNumber("slots", r.Slots);
                json.WriteString("service", options.ServiceSpec);
                json.WriteNumber("mean_service_ms", options.Service.Mean.TotalMilliseconds);
                json.WriteNumber("rtt_ms", options.RoundTrip.TotalMilliseconds);
                json.WriteNumber("seed", options.Seed);
                json.WriteNumber("target_utilization", r.TargetUtilization);
                json.WriteNumber("utilization", r.Utilization);
                json.WriteNumber("arrival_rate_per_s", r.ArrivalRate);
                json.WriteNumber("mean_queue_ms", r.MeanQueueMs);
                json.WriteNumber("p50_queue_ms", r.P50QueueMs);
                json.WriteNumber("p99_queue_ms", r.P99QueueMs);
                json.WriteNumber("mean_local_queue_ms", r.MeanLocalQueueMs);
                json.WriteNumber("mean_gateway_queue_ms", r.MeanGatewayQueueMs);
                json.WriteNumber("waited_share", r.WaitedShare);
                json.WriteNumber("local_waited_share", r.LocalWaitedShare);
                json.WriteNumber("measured_mean_service_ms", r.MeanServiceMs);
                json.WriteNumber("mean_e2e_ms", r.MeanEndToEndMs);
                json.WriteNumber("p50_e2e_ms", r.P50EndToEndMs);
                json.WriteNumber("p99_e2e_ms", r.P99EndToEndMs);
                json.WriteNumber("requests", r.Requests);
                json.WriteNumber("measured_requests", r.MeasuredRequests);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
