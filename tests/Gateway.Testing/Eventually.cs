using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Gateway.Testing;

/// <summary>
/// Waits for state that changes on other threads or in other processes: a queue length, a log line, a metric, a health
/// status. The timeout only bounds a hang and measures nothing, so it is generous; a test that needs a time bound asserts
/// it separately. On timeout the exception names what was awaited and the last value seen.
/// </summary>
public static class Eventually
{
    /// <summary>How long a wait lasts unless the caller says otherwise: long enough for a busy 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    // The first checks come quickly, so a wait that is over at once costs little; later ones back off, so a long wait
    // on an HTTP probe does not load the machine it is waiting on.
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(100);

    // A process's whole output can be the last value seen; the start of it is enough to go on.
    private const int MaxDescription = 4000;

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    /// <param name="condition">Checked at once, then again after each pause.</param>
    /// <param name="what">What is awaited, as it reads after "waiting until": "the queue is empty".</param>
    /// <param name="timeout">How long to wait at most; <see cref="DefaultTimeout"/> when null.</param>
    /// <exception cref="TimeoutException">The condition still did not hold after <paramref name="timeout"/>.</exception>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitAsync(() => Task.FromResult(condition()), held => held, what, timeout, lastSeen: null);

    /// <inheritdoc cref="TrueAsync(Func{bool}, string, TimeSpan?)"/>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        WaitAsync(condition, held => held, what, timeout, lastSeen: null);

    /// <summary>Reads <paramref name="probe"/> until <paramref name="done"/> accepts its value, and returns that value.</summary>
    /// <param name="probe">Read at once, then again after each pause; an exception it throws ends the wait.</param>
    /// <param name="done">Whether a value is the one awaited.</param>
    /// <param name="what">What is awaited, as it reads after "waiting until": "/healthz answers 200".</param>
    /// <param name="timeout">How long to wait at most; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="describe">How the last value reads in the timeout message; by default its text, or its items'.</param>
    /// <exception cref="TimeoutException">No value was accepted within <paramref name="timeout"/>; the message shows the last one.</exception>
    public static Task<T> ValueAsync<T>(
        Func<T> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<T, string>? describe = null) =>
        WaitAsync(() => Task.FromResult(probe()), done, what, timeout, describe ?? (value => Describe(value)));

    /// <inheritdoc cref="ValueAsync{T}(Func{T}, Func{T, bool}, string, TimeSpan?, Func{T, string}?)"/>
    /// <remarks>
    /// Preferred over the synchronous form when both fit (<c>() => store.AcquireAsync(...)</c> with <c>r => r is not null</c>):
    /// the value awaited is the task's result, never the task.
    /// </remarks>
    [OverloadResolutionPriority(1)]
    public static Task<T> ValueAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<T, string>? describe = null) =>
        WaitAsync(probe, done, what, timeout, describe ?? (value => Describe(value)));

    private static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout, Func<T, string>? lastSeen)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.GetTimestamp();
        var interval = FirstInterval;
        for (var checks = 1; ; checks++)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= limit)
            {
                var message = string.Create(CultureInfo.InvariantCulture, $"Timed out after {elapsed.TotalSeconds:0.0} s ({checks} checks) waiting until {what}");
                throw new TimeoutException(lastSeen is null ? message + "." : $"{message}; last value seen: {Truncate(lastSeen(value))}");
            }

            await Task.Delay(Min(interval, limit - elapsed));
            interval = Min(interval * 2, MaxInterval);
        }
    }

    private static string Truncate(string text) => text.Length <= MaxDescription ? text : string.Concat(text.AsSpan(0, MaxDescription), "…");

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        IEnumerable items => $"[{string.Join(", ", items.Cast<object?>().Select(Describe))}]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
