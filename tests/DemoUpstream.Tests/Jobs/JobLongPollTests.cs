using System.Net;
using DemoUpstream.Tests.Work;
using Microsoft.Extensions.DependencyInjection;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobLongPollTests
{
    [Fact]
    public async Task Get_WaitMs_AnswersWhenTheWaitEndsOrAsSoonAsTheJobFinishes()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await JobsServer.StartAsync(configureServices: services => services.AddSingleton<TimeProvider>(time));
        using var client = server.CreateClient();
        var start = time.GetUtcNow();
        var id = await JobsHttp.EnqueueAsync(client, """{ "work_ms": 0 }""", baggage: "qdelay.ms=5000");

        // The job is invisible for 5 s: a 1 s long-poll answers after exactly its wait, with the job still queued.
        var shortPoll = JobsHttp.GetAsync(client, id, "?wait_ms=1000");
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(1000));
        Assert.False(shortPoll.IsCompleted, "answered before the wait ended");
        time.Advance(TimeSpan.FromMilliseconds(1000));
        var (queuedResponse, queued) = await shortPoll;

        // A 30 s long-poll answers as soon as the job finishes, at 5 s, long before its wait ends.
        var longPoll = JobsHttp.GetAsync(client, id, "?wait_ms=30000");
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(30000));
        time.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.False(longPoll.IsCompleted, "answered before the job was visible");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var (finishedResponse, finished) = await longPoll;

        using (queuedResponse)
        using (finishedResponse)
        {
            Assert.Equal(HttpStatusCode.OK, queuedResponse.StatusCode);
            Assert.Equal("queued", queued.GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, finishedResponse.StatusCode);
            Assert.Equal("succeeded", finished.GetProperty("status").GetString());
            var visibleAt = start + TimeSpan.FromSeconds(5);
            Assert.Equal(JobsTimestamps.Format(visibleAt), finished.GetProperty("visible_at").GetString());
            Assert.Equal(JobsTimestamps.Format(visibleAt), finished.GetProperty("first_attempt_at").GetString());
            Assert.Equal(JobsTimestamps.Format(visibleAt), finished.GetProperty("finished_at").GetString());
            Assert.Equal(time.GetUtcNow(), visibleAt);
        }
    }
}
