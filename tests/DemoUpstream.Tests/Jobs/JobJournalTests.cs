using System.Text.Json;
using DemoUpstream.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobJournalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("jobs-journal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static JobSnapshot Finished(string id) => new()
    {
        Id = id,
        Status = JobStatus.DeadLettered,
        Reason = JobReasons.Ttl,
        Tenant = "acme",
        Queue = "low",
        Attempts = 0,
        EnqueuedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
        VisibleAt = new DateTimeOffset(2026, 1, 2, 3, 4, 6, 0, TimeSpan.Zero),
        FinishedAt = new DateTimeOffset(2026, 1, 2, 4, 4, 6, 1, TimeSpan.FromHours(2)),
    };

    [Fact]
    public void Append_TwoLines_AreBufferedUntilTheOneSecondFlush()
    {
        var time = new FakeTimeProvider();
        var path = Path.Combine(_directory, "nested", "journal.jsonl");
        using var journal = new JobJournal(Options.Create(new JobsOptions { JournalPath = path }), time, NullLogger<JobJournal>.Instance);

        journal.Append(Finished("a"));
        journal.Append(Finished("b"));
        Assert.Equal(0, new FileInfo(path).Length);
        time.Advance(JobJournal.FlushInterval);

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Equal(
            """{"id":"a","status":"dead-lettered","reason":"ttl","tenant":"acme","priority":"low","attempts":0,"enqueued_at":"2026-01-02T03:04:05.678Z","visible_at":"2026-01-02T03:04:06.000Z","first_attempt_at":null,"finished_at":"2026-01-02T02:04:06.001Z"}""",
            lines[0]);
        Assert.Equal("b", JsonDocument.Parse(lines[1]).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public void Dispose_AfterAppend_FlushesTheLineAfterAnEarlierRunsLines()
    {
        var path = Path.Combine(_directory, "journal.jsonl");
        File.WriteAllText(path, "{\"id\":\"earlier run\"}\n");
        var journal = new JobJournal(Options.Create(new JobsOptions { JournalPath = path }), new FakeTimeProvider(), NullLogger<JobJournal>.Instance);

        journal.Append(Finished("c"));
        journal.Dispose();

        Assert.Equal(["earlier run", "c"], File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
    }

    [Fact]
    public void Append_NoJournalPath_WritesNothing()
    {
        using var journal = new JobJournal(Options.Create(new JobsOptions()), new FakeTimeProvider(), NullLogger<JobJournal>.Instance);

        journal.Append(Finished("d"));
        journal.Flush();

        Assert.Null(journal.FullPath);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }
}
