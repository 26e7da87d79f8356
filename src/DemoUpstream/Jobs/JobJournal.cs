using System.Text;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Jobs;

/// <summary>
/// With <c>JournalPath</c> set, appends each job's terminal state to that file as one JSON line: the evidence, after
/// the process has exited, that every accepted job was finished or dead-lettered. Lines are buffered and flushed at
/// least every <see cref="FlushInterval"/>, by the shutdown drain, and on disposal. Without a path it does nothing.
/// </summary>
internal sealed partial class JobJournal : IDisposable
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _sync = new();
    private readonly ILogger _logger;
    private readonly StreamWriter? _writer;
    private readonly ITimer? _timer;
    private bool _dirty;
    private bool _disposed;

    public JobJournal(IOptions<JobsOptions> options, TimeProvider time, ILogger<JobJournal> logger)
    {
        _logger = logger;
        if (options.Value.JournalPath is not { } path)
        {
            return;
        }

        FullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(FullPath)!);
        _writer = new StreamWriter(
            new FileStream(FullPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false), 64 * 1024)
        {
            NewLine = "\n",
        };
        using (ExecutionContext.SuppressFlow())
        {
            _timer = time.CreateTimer(_ => Flush(), null, FlushInterval, FlushInterval);
        }
    }

    /// <summary>The journal file, or null when there is none.</summary>
    public string? FullPath { get; }

    public void Append(JobSnapshot job)
    {
        if (_writer is null)
        {
            return;
        }

        var line = JobDocuments.JournalLine(job);
        lock (_sync)
        {
            if (_disposed)
            {
                Log.AppendAfterClose(_logger, job.Id, job.Status.ToWire());
                return;
            }

            try
            {
                _writer.WriteLine(line);
                _dirty = true;
            }
            catch (IOException ex)
            {
                Log.WriteFailed(_logger, FullPath!, ex);
            }
        }
    }

    /// <summary>Writes buffered lines through to the file.</summary>
    public void Flush()
    {
        lock (_sync)
        {
            if (_writer is null || _disposed || !_dirty)
            {
                return;
            }

            try
            {
                _writer.Flush();
                _dirty = false;
            }
            catch (IOException ex)
            {
                Log.WriteFailed(_logger, FullPath!, ex);
            }
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        Flush();
        lock (_sync)
        {
            _disposed = true;
            _writer?.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "Job journal {Path}: write failed; lines may be missing.")]
        public static partial void WriteFailed(ILogger logger, string path, Exception exception);

        [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "Job {JobId} finished ({Status}) after the journal was closed; it has no journal line.")]
        public static partial void AppendAfterClose(ILogger logger, string jobId, string status);
    }
}
