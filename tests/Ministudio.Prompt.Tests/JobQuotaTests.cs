using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit.Testing;
using Ministudio.Contracts;
using Ministudio.Prompt.Jobs;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>The concurrent-job quota of a plan: jobs beyond it wait as throttled, start oldest first, or expire.</summary>
public sealed class JobQuotaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Jobs_beyond_the_quota_are_throttled_and_start_oldest_first_as_slots_free()
    {
        await using var app = await PromptApp.StartAsync();
        await PutOnSoloPlanAsync(app);
        var client = app.ClientFor(app.Acme);

        var first = await SubmitAsync(client);
        var second = await SubmitAsync(client);
        var third = await SubmitAsync(client);
        Assert.Equal([JobStatus.Queued, JobStatus.Throttled, JobStatus.Throttled], new[] { first.Status, second.Status, third.Status });
        await app.Harness.PublishedAsync<RenderShot>(m => m.JobId == first.Id);
        Assert.False(await app.Harness.Published.Any<RenderShot>(m => m.Context.Message.JobId != first.Id, Ct));

        // Another tenant's quota is its own: globex has no plan, so nothing of it waits.
        Assert.Equal(JobStatus.Queued, (await SubmitAsync(app.ClientFor(app.Globex))).Status);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/v1/jobs/{first.Id}:cancel", null, Ct)).StatusCode);
        await app.Harness.PublishedAsync<RenderShot>(m => m.JobId == second.Id && m.ShotIndex == 0);
        Assert.Equal(JobStatus.Queued, (await JobAsync(client, second.Id)).Status);
        Assert.Equal(JobStatus.Throttled, (await JobAsync(client, third.Id)).Status);

        await app.Harness.Bus.Publish(new ShotFailed(second.Id, 0, "render.failed", "broken", Retryable: false), Ct);
        await app.Harness.PublishedAsync<RenderShot>(m => m.JobId == third.Id && m.ShotIndex == 0);
        var failed = await JobAsync(client, second.Id);
        Assert.Equal((JobStatus.Failed, "render.failed", false), (failed.Status, failed.Error!.Code, failed.Error.Retryable));
        Assert.Equal(JobStatus.Queued, (await JobAsync(client, third.Id)).Status);
    }

    [Fact]
    public async Task A_throttled_job_that_waits_past_the_queue_ttl_expires_with_a_retryable_error()
    {
        await using var app = await PromptApp.StartAsync(new Dictionary<string, string>
        {
            ["Jobs:QueueTtl"] = "00:00:01",
            ["Jobs:SweepInterval"] = "00:00:00.200",
        });
        await PutOnSoloPlanAsync(app);
        var client = app.ClientFor(app.Acme);
        var running = await SubmitAsync(client);
        var waiting = await SubmitAsync(client);
        Assert.Equal(JobStatus.Throttled, waiting.Status);

        var expired = await WaitForJobAsync(client, waiting.Id, j => j.Status == JobStatus.Expired);
        Assert.Equal((JobFailures.QueueExpired, true), (expired.Error!.Code, expired.Error.Retryable));
        Assert.All(expired.Shots, shot => Assert.Equal(JobStatus.Expired, shot.Status));
        Assert.Equal(JobStatus.Queued, (await JobAsync(client, running.Id)).Status);
        Assert.False(await app.Harness.Published.Any<RenderShot>(m => m.Context.Message.JobId == waiting.Id, Ct));

        var cancel = await client.PostAsync($"/v1/jobs/{waiting.Id}:cancel", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Assert.Equal("job.not_cancelable", await Problems.CodeOf(cancel));
    }

    [Fact]
    public async Task Concurrent_submissions_never_start_more_jobs_than_the_plan_allows()
    {
        await using var app = await PromptApp.StartAsync();
        await PutOnPlanAsync(app, "pair", concurrentJobs: 2);
        var client = app.ClientFor(app.Acme);

        var jobs = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => SubmitAsync(client)));

        Assert.Equal(2, jobs.Count(j => j.Status == JobStatus.Queued));
        Assert.Equal(10, jobs.Count(j => j.Status == JobStatus.Throttled));
    }

    [Fact]
    public async Task Concurrent_submissions_without_a_limit_all_start()
    {
        await using var app = await PromptApp.StartAsync();
        var client = app.ClientFor(app.Globex);

        var jobs = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => SubmitAsync(client)));

        Assert.All(jobs, job => Assert.Equal(JobStatus.Queued, job.Status));
    }

    private static Task PutOnSoloPlanAsync(PromptApp app) => PutOnPlanAsync(app, "solo", concurrentJobs: 1);

    private static async Task PutOnPlanAsync(PromptApp app, string plan, int concurrentJobs)
    {
        var admin = app.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/admin/v1/plans/{plan}", new { concurrentJobs }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{app.Acme}/plan", new { plan }, Ct)).StatusCode);
    }

    internal static async Task<JobView> SubmitAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, Ct))!;
    }

    internal static async Task<JobView> JobAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{id}", JsonSerializerOptions.Web, Ct))!;

    private static Task<JobView> WaitForJobAsync(HttpClient client, Guid id, Func<JobView, bool> condition) =>
        Eventually.ValueAsync(() => JobAsync(client, id), condition);
}
