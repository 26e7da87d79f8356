using Gateway.Metrics;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Gateway.Admission;

/// <summary>
/// Admission decisions by tenant, and, read just before each scrape, each tenant's bucket, effective rate and backlog
/// age and each cluster's shedding level. The <c>tenant</c> label is a configured tenant, <c>anonymous</c> or
/// <c>other</c>, so it stays bounded. Names, labels and help texts are a contract (see README, Metrics).
/// </summary>
internal sealed class AdmissionMetrics
{
    private readonly LabelledSeries<(string Tenant, string Outcome, string Reason), Counter.Child> _admission;

    public AdmissionMetrics(
        IMetricFactory factory, CollectorRegistry registry, SeriesLimit limit, TenantStateRegistry tenants, ClassShedding shedding,
        IOptionsMonitor<AdmissionOptions> options)
    {
        var admission = factory.CreateCounter(
            "gateway_admission_decisions_total",
            "Enqueue-route admission decisions by tenant (configured tenants, anonymous, other), outcome and reason.",
            ["outcome", "reason", "tenant"]);
        _admission = new(limit, k => admission.WithLabels(k.Outcome, k.Reason, k.Tenant));

        var tokens = ScrapedGauge.Create(factory, "gateway_admission_tokens", "Tokens in each tenant's bucket now; other is the sum over unlisted tenants.", "tenant");
        var effectiveRate = ScrapedGauge.Create(factory, "gateway_admission_effective_rate",
            "The rate each tenant's last enqueue was admitted against, after backlog backpressure; other is the sum.", "tenant");
        var backlogAge = ScrapedGauge.Create(factory, "gateway_admission_backlog_age_seconds",
            "The age of each tenant's oldest job in the upstream's backlog, as last reported; other is the oldest of unlisted tenants.", "tenant");
        var tenantCount = factory.CreateGauge(
            "gateway_admission_tenants", "Tenants with admission state in memory (idle ones are dropped after Gateway:Admission:IdleTenantExpiry).");
        var shedLevel = ScrapedGauge.Create(factory, "gateway_admission_shed_level",
            "Priority levels a cluster sheds now, lowest first: 0 none; 1 the lowest class; and so on.", "cluster");
        registry.AddBeforeCollectCallback(() =>
        {
            var admissionOptions = options.CurrentValue;
            tokens.Publish(TenantFigures(tenants, admissionOptions, TenantFigure.Tokens));
            effectiveRate.Publish(TenantFigures(tenants, admissionOptions, TenantFigure.EffectiveRate));
            backlogAge.Publish(TenantFigures(tenants, admissionOptions, TenantFigure.BacklogAge));
            tenantCount.Set(tenants.Count);
            shedLevel.Publish(shedding.All.Select(c => (new[] { c.ClusterId }, (double)c.Level)));
        });
    }

    public void RecordAdmission(string tenant, bool admitted, string reason) => _admission[(tenant, admitted ? "admitted" : "rejected", reason)]?.Inc();

    private enum TenantFigure
    {
        Tokens,
        EffectiveRate,
        BacklogAge,
    }

    /// <summary>
    /// One figure per configured tenant with state, anonymous and other. Unlisted tenants fold into <c>other</c> (sum
    /// of tokens and rates, oldest backlog), so the label stays bounded however many tenants the identity provider has.
    /// </summary>
    private static IEnumerable<(string[], double)> TenantFigures(TenantStateRegistry tenants, AdmissionOptions admission, TenantFigure figure)
    {
        var states = tenants.Tenants.Select(t => (Label: AdmissionMiddleware.Label(admission, t.Key), Tenant: (string?)t.Key, State: t.Value))
            .Append((Label: AdmissionMiddleware.AnonymousLabel, Tenant: null, State: tenants.Anonymous));
        foreach (var group in states.GroupBy(s => s.Label, StringComparer.Ordinal))
        {
            double? value = null;
            foreach (var (_, tenant, state) in group)
            {
                var one = figure switch
                {
                    TenantFigure.Tokens => state.Tokens(TenantLimits.Resolve(admission, tenant).Burst),
                    TenantFigure.EffectiveRate => double.IsNaN(state.EffectiveRate) ? (double?)null : state.EffectiveRate,
                    _ => state.OldestBacklogAgeMs(admission.Backpressure.ReportTtl) / 1000,
                };
                value = one is not { } v ? value : figure == TenantFigure.BacklogAge ? Math.Max(value ?? 0, v) : (value ?? 0) + v;
            }

            if (value is { } total)
            {
                yield return ([group.Key], total);
            }
        }
    }
}
