using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ministudio.Contracts;
using Ministudio.Prompt.Jobs;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>GET /v1/jobs: the tenant's jobs newest first, in pages, with the same progress the job itself shows.</summary>
public sealed class JobListTests : IAsyncLifetime
{
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Jobs_are_listed_newest_first_in_pages_with_their_progress_and_only_to_their_tenant()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = _app.ClientFor(_app.Acme);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var accepted = await client.PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), ct);
            ids.Add((await accepted.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, ct))!.Id);
        }
        await _app.Harness.Bus.Publish(new ShotProgressed(ids[2], 0, 0.5, "drawing"), ct);
        var single = await WaitAsync(() => client.GetFromJsonAsync<JobView>($"/v1/jobs/{ids[2]}", JsonSerializerOptions.Web, ct), j => j!.Shots[0].Progress >= 0.5);

        var first = (await client.GetFromJsonAsync<JobPage>("/v1/jobs?limit=2", JsonSerializerOptions.Web, ct))!;
        Assert.Equal([ids[2], ids[1]], first.Items.Select(j => j.Id));
        Assert.Equal(single!.Progress, first.Items[0].Progress);
        Assert.True(first.Items[0].Progress > 0);
        Assert.Equal((3, JobStatus.Running), (first.Items[0].ShotCount, first.Items[0].Status));
        var second = (await client.GetFromJsonAsync<JobPage>($"/v1/jobs?limit=2&pageToken={first.NextPageToken}", JsonSerializerOptions.Web, ct))!;
        Assert.Equal([ids[0]], second.Items.Select(j => j.Id));
        Assert.Null(second.NextPageToken);

        var foreign = (await _app.ClientFor(_app.Globex).GetFromJsonAsync<JobPage>("/v1/jobs", JsonSerializerOptions.Web, ct))!;
        Assert.DoesNotContain(foreign.Items, j => ids.Contains(j.Id));

        Assert.Equal("job.limit_out_of_range", await Problems.CodeOf(await client.GetAsync("/v1/jobs?limit=0", ct)));
        Assert.Equal("job.page_token_invalid", await Problems.CodeOf(await client.GetAsync("/v1/jobs?pageToken=nope", ct)));
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var i = 0; i < 200; i++)
        {
            var value = await read();
            if (done(value)) return value;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return await read();
    }
}
