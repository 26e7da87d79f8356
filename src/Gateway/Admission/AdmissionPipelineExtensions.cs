namespace Gateway.Admission;

/// <summary>Adds tenant admission (enqueue routes only) to the proxy pipeline.</summary>
internal static class AdmissionPipelineExtensions
{
    public static IReverseProxyApplicationBuilder UseGatewayAdmission(this IReverseProxyApplicationBuilder pipeline)
    {
        // Created now so a shared-bucket store starts connecting at start-up, not on the first enqueue request.
        _ = pipeline.ApplicationServices.GetRequiredService<ITenantBuckets>();
        pipeline.UseMiddleware<AdmissionMiddleware>();
        return pipeline;
    }
}
