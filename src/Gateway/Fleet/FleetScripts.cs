using Gateway.Redis;

namespace Gateway.Fleet;

/// <summary>
/// The fleet's Lua scripts (see <see cref="RedisFleetStore"/> for the protocol). Each is one atomic step in Redis.
/// They share a prelude of helpers, so every script sweeps expired leases, counts and picks the same way.
/// </summary>
/// <remarks>
/// Every script gets the same <c>KEYS</c> (<see cref="FleetKeys"/>: limits, total, leases, queue, seq, tickets,
/// replicas, reserved, limitsum, all under the cluster's hash tag) and the same first six <c>ARGV</c>: cluster id, the prefix of the
/// <c>granted:&lt;replica&gt;</c> keys (same hash tag, so those keys live in the same Redis Cluster slot even though
/// their names are built in the script), <c>now</c> in Unix milliseconds, the calling replica's id, the lease time in
/// milliseconds, and a random number in [0, 1) for ties. No script reads Redis's <c>TIME</c>: the caller's clock
/// decides, so the same scripts run unchanged under simulated time.
/// </remarks>
internal static class FleetScripts
{
    private const string Prelude = """
        local K_LIMITS, K_TOTAL, K_LEASES, K_QUEUE, K_SEQ, K_TICKETS, K_REPLICAS, K_RESERVED, K_LIMITSUM =
          KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
        local cluster = ARGV[1]
        local granted_prefix = ARGV[2]
        local now = tonumber(ARGV[3])
        local me = ARGV[4]
        local lease_ms = tonumber(ARGV[5])
        local r = tonumber(ARGV[6])

        -- "<a>|<b>" split at the last '|': destination ids may hold one, lease, ticket and replica ids may not.
        local function split_last(s)
          return string.match(s, '^(.*)|([^|]*)$')
        end

        -- A lease is one request's slot. The total moves only when the set really changed, so a repeated add or
        -- remove (a retry, a sweep racing a release) never counts twice and totals stay exact.
        local function add_lease(dest, lease, expiry)
          if redis.call('ZADD', K_LEASES, expiry, dest .. '|' .. lease) == 1 then
            redis.call('HINCRBY', K_TOTAL, dest, 1)
            return 1
          end
          return 0
        end

        local function remove_lease(dest, lease)
          if redis.call('ZREM', K_LEASES, dest .. '|' .. lease) == 1 then
            redis.call('HINCRBY', K_TOTAL, dest, -1)
            return 1
          end
          return 0
        end

        -- Leases of requests whose replica stopped renewing them (it died, or lost Redis) give their slots back. At
        -- most 100 per call, so one call's work stays bounded; the rest go in the next calls.
        local function sweep()
          local expired = redis.call('ZRANGEBYSCORE', K_LEASES, '-inf', now, 'LIMIT', 0, 100)
          for _, member in ipairs(expired) do
            local dest, lease = split_last(member)
            if redis.call('ZREM', K_LEASES, member) == 1 and dest then
              redis.call('HINCRBY', K_TOTAL, dest, -1)
              redis.call('HDEL', K_RESERVED, lease)
            end
          end
          return #expired
        end

        local function totals_of(dests)
          local totals = {}
          if #dests > 0 then
            local raw = redis.call('HMGET', K_TOTAL, unpack(dests))
            for i = 1, #dests do
              totals[i] = tonumber(raw[i]) or 0
            end
          end
          return totals
        end

        -- The pick rule, the same as the gateway's own gate ranks by (GateCore.Pick with limits enforced): among the
        -- destinations below their limit, the lowest share in use (total / limit) wins, and ties are spread evenly.
        -- GateCore draws the tie by reservoir sampling, here the caller's r picks the floor(r * ties)-th tied one in
        -- candidate order: both give every tied destination the same chance. Differences, by design: a destination
        -- without a known limit is skipped (the fleet cannot share an unknown limit), and health (ejection, hold-back,
        -- suspicion) is the caller's, by what it puts in the candidate list.
        local function pick(dests, limits, totals, r)
          local best = nil
          local tied = {}
          for i = 1, #dests do
            local limit = limits[i]
            if limit ~= nil and limit > 0 and totals[i] < limit then
              local share = totals[i] / limit
              if best == nil or share < best then
                best = share
                tied = { i }
              elseif share == best then
                tied[#tied + 1] = i
              end
            end
          end
          if #tied == 0 then
            return nil
          end
          return tied[math.min(#tied, math.floor(r * #tied) + 1)]
        end

        -- The sum of the stored limits, kept beside them so a KEEP need not read them all; counted from them the
        -- first time (keys written before the sum existed).
        local function limit_sum()
          local sum = redis.call('GET', K_LIMITSUM)
          if sum then
            return tonumber(sum)
          end
          local total = 0
          for _, limit in ipairs(redis.call('HVALS', K_LIMITS)) do
            total = total + tonumber(limit)
          end
          redis.call('SET', K_LIMITSUM, total)
          return total
        end

        -- Slots the fleet has free: every limit less every lease (in use, granted, or reserved); may be negative
        -- while a lowered limit drains.
        local function free_slots()
          return limit_sum() - redis.call('ZCARD', K_LEASES)
        end

        -- The destinations and limits of a call's destination / limit pairs from ARGV[first] on. A limit the caller
        -- knows is stored for the fleet when it changed; 0 (not known to the caller) takes the fleet's.
        local function candidates_from(first)
          local dests = {}
          local given = {}
          for i = first, #ARGV, 2 do
            dests[#dests + 1] = ARGV[i]
            given[#given + 1] = tonumber(ARGV[i + 1])
          end
          local limits = {}
          if #dests > 0 then
            local known = redis.call('HMGET', K_LIMITS, unpack(dests))
            for i = 1, #dests do
              local stored = tonumber(known[i])
              if given[i] ~= nil and given[i] > 0 then
                if stored ~= given[i] then
                  limit_sum()
                  redis.call('HSET', K_LIMITS, dests[i], given[i])
                  redis.call('INCRBY', K_LIMITSUM, given[i] - (stored or 0))
                end
                limits[i] = given[i]
              else
                limits[i] = stored
              end
            end
          end
          return dests, limits
        end

        -- A request is about to wait: every replica holding slots in reserve (marked in K_RESERVED from the keep or
        -- top-up that gave them until their release) is asked, on its grant channel, to give one back.
        local function reclaim()
          if redis.call('HLEN', K_RESERVED) == 0 then
            return
          end
          local asked = {}
          for _, replica in ipairs(redis.call('HVALS', K_RESERVED)) do
            if not asked[replica] then
              asked[replica] = true
              redis.call('PUBLISH', 'gw:fleet:grants:' .. replica, cjson.encode({ cluster }))
            end
          end
        end

        -- Serves the queue, oldest ticket first, while some destination in 'limits' has room. A ticket whose deadline
        -- passed or whose replica is no longer alive is dropped; the others get a lease (the ticket id is the lease
        -- id), an entry in granted:<replica> until that replica acknowledges it, and a message on its channel.
        local function dispatch()
          if redis.call('ZCARD', K_QUEUE) == 0 then
            return 0
          end
          local flat = redis.call('HGETALL', K_LIMITS)
          local by_dest = {}
          local dests = {}
          for i = 1, #flat, 2 do
            by_dest[flat[i]] = tonumber(flat[i + 1])
            dests[#dests + 1] = flat[i]
          end
          -- Sorted, so ties fall the same way whatever order the hash keeps.
          table.sort(dests)
          local limits = {}
          for i = 1, #dests do
            limits[i] = by_dest[dests[i]]
          end
          local totals = totals_of(dests)
          local grants = 0
          local tie = r
          for _ = 1, 1000 do
            local index = pick(dests, limits, totals, tie)
            if index == nil then
              break
            end
            local head = redis.call('ZPOPMIN', K_QUEUE)
            if #head == 0 then
              break
            end
            local ticket = head[1]
            local info = redis.call('HGET', K_TICKETS, ticket)
            redis.call('HDEL', K_TICKETS, ticket)
            if info then
              local replica, deadline = split_last(info)
              local alive = tonumber(redis.call('ZSCORE', K_REPLICAS, replica))
              if tonumber(deadline) >= now and alive ~= nil and alive >= now then
                local dest = dests[index]
                totals[index] = totals[index] + add_lease(dest, ticket, now + lease_ms)
                redis.call('HSET', granted_prefix .. replica, ticket, dest)
                redis.call('PUBLISH', 'gw:fleet:grants:' .. replica, cjson.encode({ cluster, ticket, dest }))
                grants = grants + 1
                -- The next tie of the same call is drawn further along (golden-ratio steps stay evenly spread).
                tie = (tie + 0.6180339887498949) % 1
              end
            end
          end
          return grants
        end

        """;

    /// <summary>
    /// ACQUIRE. ARGV after the shared six: lease (= ticket) id, deadline ms, replica alive ms, max queue length (as the
    /// local gate's: 0 queues nothing), then destination / limit pairs (limit 0: not known to the caller, use the fleet's). Returns
    /// <c>{'granted', dest}</c>, <c>{'queued', position}</c> or <c>{'full', length}</c>.
    /// </summary>
    public static readonly RedisScript Acquire = new(Prelude + """
        local lease = ARGV[7]
        local deadline = tonumber(ARGV[8])
        local alive_ms = tonumber(ARGV[9])
        local max_queue = tonumber(ARGV[10])
        -- A replica that acquires is alive; its tickets must not be dropped before its first heartbeat.
        redis.call('ZADD', K_REPLICAS, 'GT', now + alive_ms, me)
        local dests, limits = candidates_from(11)
        sweep()
        -- Slots the sweep freed, or that nobody has claimed, go to those already waiting first.
        dispatch()
        -- Strict FIFO: while anyone waits, a newcomer queues behind.
        if redis.call('ZCARD', K_QUEUE) == 0 then
          local index = pick(dests, limits, totals_of(dests), r)
          if index ~= nil then
            add_lease(dests[index], lease, now + lease_ms)
            return { 'granted', dests[index] }
          end
        end
        local length = redis.call('ZCARD', K_QUEUE)
        if length >= max_queue then
          return { 'full', length }
        end
        -- NX: a repeated acquire keeps its place.
        redis.call('ZADD', K_QUEUE, 'NX', redis.call('INCR', K_SEQ), lease)
        redis.call('HSET', K_TICKETS, lease, me .. '|' .. deadline)
        reclaim()
        return { 'queued', redis.call('ZRANK', K_QUEUE, lease) + 1 }
        """);

    /// <summary>
    /// RELEASE. ARGV after the shared six: destination, lease id. Returns <c>{removed (0 or 1), grants made}</c>.
    /// </summary>
    public static readonly RedisScript Release = new(Prelude + """
        local dest = ARGV[7]
        local lease = ARGV[8]
        sweep()
        local removed = remove_lease(dest, lease)
        -- A released grant needs no acknowledgement any more, nor a released reserve a reclaim.
        redis.call('HDEL', granted_prefix .. me, lease)
        redis.call('HDEL', K_RESERVED, lease)
        return { removed, dispatch() }
        """);

    /// <summary>
    /// KEEP: a finished request's slot stays counted, as this replica's reserve, while no ticket waits and the fleet
    /// still has the given number of slots free besides it; otherwise it is released as by RELEASE. ARGV after the
    /// shared six: destination, lease id, free slots to leave. Returns <c>{1}</c> when kept (its lease renewed and
    /// marked in <c>reserved</c>), <c>{0, grants made}</c> when released (or it had expired).
    /// </summary>
    public static readonly RedisScript Keep = new(Prelude + """
        local dest = ARGV[7]
        local lease = ARGV[8]
        local free_to_leave = tonumber(ARGV[9])
        sweep()
        redis.call('HDEL', granted_prefix .. me, lease)
        if redis.call('ZCARD', K_QUEUE) == 0 and redis.call('ZSCORE', K_LEASES, dest .. '|' .. lease)
          and free_slots() >= free_to_leave then
          redis.call('ZADD', K_LEASES, 'XX', now + lease_ms, dest .. '|' .. lease)
          redis.call('HSET', K_RESERVED, lease, me)
          return { 1 }
        end
        remove_lease(dest, lease)
        redis.call('HDEL', K_RESERVED, lease)
        return { 0, dispatch() }
        """);

    /// <summary>
    /// TOP-UP: up to n slots for this replica's reserve while no ticket waits, each picked as ACQUIRE picks and marked
    /// in <c>reserved</c>, the i-th only while the fleet would still have the i-th number of free slots to leave.
    /// ARGV after the shared six: n, replica alive ms, n lease ids, n free slots to leave, then destination / limit
    /// pairs as for ACQUIRE. Returns <c>{dest, ...}</c>: the destination of the first, second, … lease id granted.
    /// </summary>
    public static readonly RedisScript TopUp = new(Prelude + """
        local n = tonumber(ARGV[7])
        local alive_ms = tonumber(ARGV[8])
        redis.call('ZADD', K_REPLICAS, 'GT', now + alive_ms, me)
        local dests, limits = candidates_from(9 + 2 * n)
        sweep()
        dispatch()
        local granted = {}
        local tie = r
        while #granted < n and redis.call('ZCARD', K_QUEUE) == 0
          and free_slots() > tonumber(ARGV[9 + n + #granted]) do
          local index = pick(dests, limits, totals_of(dests), tie)
          if index == nil then
            break
          end
          local lease = ARGV[9 + #granted]
          add_lease(dests[index], lease, now + lease_ms)
          redis.call('HSET', K_RESERVED, lease, me)
          granted[#granted + 1] = dests[index]
          tie = (tie + 0.6180339887498949) % 1
        end
        return granted
        """);

    /// <summary>
    /// CANCEL. ARGV after the shared six: ticket id. Returns <c>{1}</c> when it was still queued (now removed),
    /// <c>{0, dest}</c> when it had been granted that destination (the caller releases it), <c>{0}</c> when it is
    /// neither (dropped at its deadline, or never queued).
    /// </summary>
    public static readonly RedisScript Cancel = new(Prelude + """
        local ticket = ARGV[7]
        if sweep() > 0 then
          dispatch()
        end
        local queued = redis.call('ZREM', K_QUEUE, ticket)
        redis.call('HDEL', K_TICKETS, ticket)
        if queued == 1 then
          return { 1 }
        end
        local dest = redis.call('HGET', granted_prefix .. me, ticket)
        if dest and redis.call('ZSCORE', K_LEASES, dest .. '|' .. ticket) then
          return { 0, dest }
        end
        return { 0 }
        """);

    /// <summary>
    /// HEARTBEAT. ARGV after the shared six: replica alive ms, count of acknowledged lease ids, those ids, then
    /// destination / lease id pairs of the replica's live leases. Returns <c>{live replicas, {lease, dest, ...}}</c>:
    /// the replica's grants not yet acknowledged whose lease still exists.
    /// </summary>
    public static readonly RedisScript Heartbeat = new(Prelude + """
        local alive_ms = tonumber(ARGV[7])
        local acked = tonumber(ARGV[8])
        local mine = granted_prefix .. me
        redis.call('ZADD', K_REPLICAS, now + alive_ms, me)
        for i = 9, 8 + acked do
          redis.call('HDEL', mine, ARGV[i])
        end
        -- XX: only extends leases that still exist, never brings back one that was swept or released.
        for i = 9 + acked, #ARGV, 2 do
          redis.call('ZADD', K_LEASES, 'XX', now + lease_ms, ARGV[i] .. '|' .. ARGV[i + 1])
        end
        sweep()
        local dead = redis.call('ZRANGEBYSCORE', K_REPLICAS, '-inf', '(' .. now)
        if #dead > 0 then
          local gone = {}
          for _, replica in ipairs(dead) do
            gone[replica] = true
            redis.call('ZREM', K_REPLICAS, replica)
            redis.call('DEL', granted_prefix .. replica)
          end
          -- Their waiting requests are gone with them; their leases expire on their own, and the sweep takes their
          -- reserve marks with them. (Marks stay until then: a replica only thought dead, after a long stall, still
          -- holds its reserve, and must still be asked for it when a request waits.)
          local tickets = redis.call('HGETALL', K_TICKETS)
          for i = 1, #tickets, 2 do
            local replica = split_last(tickets[i + 1])
            if gone[replica] then
              redis.call('ZREM', K_QUEUE, tickets[i])
              redis.call('HDEL', K_TICKETS, tickets[i])
            end
          end
        end
        dispatch()
        local pending = {}
        local flat = redis.call('HGETALL', mine)
        for i = 1, #flat, 2 do
          if redis.call('ZSCORE', K_LEASES, flat[i + 1] .. '|' .. flat[i]) then
            pending[#pending + 1] = flat[i]
            pending[#pending + 1] = flat[i + 1]
          else
            redis.call('HDEL', mine, flat[i])
          end
        end
        return { redis.call('ZCARD', K_REPLICAS), pending }
        """);
}
