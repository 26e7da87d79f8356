using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gateway.Configuration;

/// <summary>
/// One feature's section of <see cref="LiveGatewayOptions"/>, as the <see cref="IOptionsMonitor{TOptions}"/> the feature
/// injects: the section as last validated. The live options are resolved on first use, not on injection, so a feature
/// can take the monitor in its constructor while the options are still being validated.
/// </summary>
internal sealed class LiveSection<TSection>(IServiceProvider services, Func<GatewayOptions, TSection> section) : IOptionsMonitor<TSection>
    where TSection : class
{
    // Not caching a failure: the first resolution, at start-up, is the one that reports a bad value.
    private readonly Lazy<LiveGatewayOptions> _live = new(services.GetRequiredService<LiveGatewayOptions>, LazyThreadSafetyMode.PublicationOnly);

    public TSection CurrentValue => section(_live.Value.Current);

    public TSection Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<TSection, string?> listener) =>
        ChangeToken.OnChange(_live.Value.GetChangeToken, () => listener(CurrentValue, Options.DefaultName));
}
