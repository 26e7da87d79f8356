using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Fleet;

/// <summary>Checks the <c>Gateway:Fleet</c> section; every failure names its configuration key.</summary>
internal sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    private const string Section = FleetOptions.SectionName;

    /// <summary>More would only hold idle slots: a replica needs about as many as arrive during one Redis trip.</summary>
    public const int MaxReserve = 100;

    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var fleet = options;
        var failures = new List<string>();
        if (fleet.Enabled)
        {
            try
            {
                _ = ConfigurationOptions.Parse(fleet.Redis);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{Section}:Redis is not a StackExchange.Redis connection string ('{fleet.Redis}'): {ex.Message}");
            }
        }

        if (fleet.ReplicaId.Any(c => c is '|' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add($"{Section}:ReplicaId must not contain '|', ':', spaces or control characters, got '{fleet.ReplicaId}'.");
        }

        if (fleet.Timeout <= TimeSpan.Zero || fleet.Timeout > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{Section}:Timeout must be positive and at most 30 s, got {fleet.Timeout}.");
        }

        if (fleet.Reserve is < 0 or > MaxReserve)
        {
            failures.Add($"{Section}:Reserve must be from 0 to {MaxReserve}, got {fleet.Reserve}.");
        }

        if (fleet.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:HeartbeatInterval must be positive, got {fleet.HeartbeatInterval}.");
        }

        if (fleet.LeaseTime < 3 * fleet.HeartbeatInterval)
        {
            failures.Add(
                $"{Section}:LeaseTime must be at least three heartbeat intervals ({Section}:HeartbeatInterval is {fleet.HeartbeatInterval}), got {fleet.LeaseTime}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
