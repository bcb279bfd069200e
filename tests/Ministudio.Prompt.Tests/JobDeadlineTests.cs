using System.Net;
using System.Net.Http.Json;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>Every started job has a deadline derived from its shots; past it the job fails, retryably, instead of running forever.</summary>
public sealed class JobDeadlineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_past_its_deadline_fails_retryably_stops_its_shots_and_frees_its_slot()
    {
        // Three shots at 1 s each plus 1 s of slack: a 4 s deadline, checked every 200 ms.
        await using var app = await PromptApp.StartAsync(new Dictionary<string, string>
        {
            ["Jobs:ShotAllowance"] = "00:00:01",
            ["Jobs:DeadlineSlack"] = "00:00:01",
            ["Jobs:SweepInterval"] = "00:00:00.200",
        });
        var admin = app.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/admin/v1/plans/solo", new { concurrentJobs = 1 }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{app.Acme}/plan", new { plan = "solo" }, Ct)).StatusCode);
        var client = app.ClientFor(app.Acme);

        var stuck = await JobQuotaTests.SubmitAsync(client);
        var waiting = await JobQuotaTests.SubmitAsync(client);
        Assert.Equal(JobStatus.Throttled, waiting.Status);
        await app.Harness.Bus.Publish(new ShotRendered(stuck.Id, 0, new string('a', 64), 2, FromCache: false, "mock"), Ct);
        // Within its deadline the job stays as it is, sweeps notwithstanding.
        var early = await Eventually.ValueAsync(() => JobQuotaTests.JobAsync(client, stuck.Id), j => j.Shots[0].Status == JobStatus.Succeeded);
        Assert.Equal(JobStatus.Running, early.Status);

        var failed = await Eventually.ValueAsync(() => JobQuotaTests.JobAsync(client, stuck.Id), j => JobStatus.IsFinal(j.Status));
        Assert.Equal((JobStatus.Failed, ProblemCodes.JobDeadlineExceeded.Code, true), (failed.Status, failed.Error!.Code, failed.Error.Retryable));
        Assert.Equal(JobStatus.Succeeded, failed.Shots[0].Status);
        Assert.All(failed.Shots.Skip(1), shot => Assert.Equal(JobStatus.Failed, shot.Status));
        Assert.True(failed.UpdatedAt - failed.CreatedAt >= TimeSpan.FromSeconds(4), $"failed after {failed.UpdatedAt - failed.CreatedAt}, before its 4 s deadline");
        await app.Harness.PublishedAsync<JobCanceled>(m => m.JobId == stuck.Id);

        // The slot it held goes to the waiting job, whose own deadline counts from when it started.
        await app.Harness.PublishedAsync<RenderShot>(m => m.JobId == waiting.Id && m.ShotIndex == 0);
        var started = await JobQuotaTests.JobAsync(client, waiting.Id);
        Assert.Equal(JobStatus.Queued, started.Status);
        var expired = await Eventually.ValueAsync(() => JobQuotaTests.JobAsync(client, waiting.Id), j => JobStatus.IsFinal(j.Status));
        Assert.Equal(ProblemCodes.JobDeadlineExceeded.Code, expired.Error!.Code);
        Assert.True(expired.UpdatedAt - failed.UpdatedAt >= TimeSpan.FromSeconds(4), "the waiting job's deadline counted from its submission, not its start");
    }
}
