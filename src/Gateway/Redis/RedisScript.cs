using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Gateway.Redis;

/// <summary>
/// A Lua script sent by its SHA1: EVALSHA, so the text crosses the wire once per server, not per call; a server that
/// does not know it (restarted, or <c>SCRIPT FLUSH</c>) answers NOSCRIPT and gets the full EVAL, which caches it there
/// again. StackExchange.Redis's own <c>ScriptEvaluateAsync(string)</c> and <see cref="LuaScript"/> do the same with a
/// hidden <c>SCRIPT LOAD</c> and a hidden retry; this way every command sent is counted, and
/// <c>NoScriptCache</c> keeps the fallback one EVAL. <see cref="LuaScript"/>'s named parameters could not carry a
/// variable-length ARGV list either.
/// </summary>
internal sealed class RedisScript(string source)
{
    private readonly byte[] _hash = SHA1.HashData(Encoding.UTF8.GetBytes(source));

    public string Source { get; } = source;

    /// <summary>Runs the script; <paramref name="roundTrip"/> is called once per command sent.</summary>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values, Action? roundTrip = null)
    {
        try
        {
            roundTrip?.Invoke();
            return await database.ScriptEvaluateAsync(_hash, keys, values);
        }
        catch (RedisServerException ex) when (ex.Kind == RedisErrorKind.NoScript)
        {
            roundTrip?.Invoke();
            return await database.ScriptEvaluateAsync(Source, keys, values, CommandFlags.NoScriptCache);
        }
    }
}
