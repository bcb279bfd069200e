using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ministudio.Prompt.Batches;
using Ministudio.Prompt.Infrastructure;
using Npgsql;
using static Ministudio.Prompt.Tests.BatchTestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>Admission of batch items as jobs: the per-tenant limit, interactive work first, round-robin, and replicas.</summary>
public sealed class BatchSchedulerTests : IAsyncLifetime
{
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync(Settings(maxActiveJobsPerTenant: 2));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private Task<int> AdmitAsync() => Admission(_app).AdmitAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_tenant_has_at_most_the_configured_number_of_unfinished_batch_jobs()
    {
        var batchId = await SubmitAsync(_app, _app.Acme, FilmLines(5));

        Assert.Equal(2, await AdmitAsync());
        Assert.Equal(0, await AdmitAsync());
        var jobs = await JobsOfAsync(_app, batchId);
        Assert.Equal([1, 2], jobs.Where(j => j.Value is not null).Select(j => j.Key));
        Assert.Equal(2, await CountAsync(_app, $"SELECT count(*) FROM jobs WHERE batch_id = '{batchId}'"));

        // A running job still takes its place; a finished one frees it.
        await StartAsync(_app, jobs[1]!.Value);
        Assert.Equal(0, await AdmitAsync());
        await SucceedAsync(_app, jobs[1]!.Value);
        Assert.Equal(1, await AdmitAsync());
        Assert.Equal([1, 2, 3], (await JobsOfAsync(_app, batchId)).Where(j => j.Value is not null).Select(j => j.Key));
        Assert.Equal((5, 4, 0, 1, 0, 0, 0), Counts(await GetAsync(_app, _app.Acme, batchId)));
    }

    [Fact]
    public async Task No_batch_job_is_admitted_while_the_tenant_has_interactive_shots_waiting()
    {
        var interactive = await _app.ClientFor(_app.Acme).PostAsync("/v1/films",
            new StringContent(Film("Interactive"), System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, interactive.StatusCode);
        var interactiveJob = (await interactive.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();
        var acmeBatch = await SubmitAsync(_app, _app.Acme, FilmLines(2));
        var globexBatch = await SubmitAsync(_app, _app.Globex, FilmLines(2));

        // Acme waits for its own interactive job; Globex is not held back by it.
        Assert.Equal(2, await AdmitAsync());
        Assert.All((await JobsOfAsync(_app, acmeBatch)).Values, job => Assert.Null(job));
        Assert.All((await JobsOfAsync(_app, globexBatch)).Values, job => Assert.NotNull(job));

        // Its shot is being drawn: nothing interactive is waiting any more.
        await StartAsync(_app, interactiveJob);
        Assert.Equal(2, await AdmitAsync());
        Assert.All((await JobsOfAsync(_app, acmeBatch)).Values, job => Assert.NotNull(job));
    }

    [Fact]
    public async Task Tenants_take_turns()
    {
        var acme = await SubmitAsync(_app, _app.Acme, FilmLines(3));
        var globex = await SubmitAsync(_app, _app.Globex, FilmLines(3));

        Assert.Equal(4, await AdmitAsync());

        await using var dataSource = NpgsqlDataSource.Create(_app.Database);
        await using var command = dataSource.CreateCommand("SELECT batch_id FROM batch_items WHERE job_id IS NOT NULL ORDER BY admitted_at");
        var order = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) order.Add(reader.GetGuid(0));
        }
        Assert.Equal(4, order.Count);
        Assert.Equal(order[0], order[2]);
        Assert.Equal(order[1], order[3]);
        Assert.NotEqual(order[0], order[1]);

        // The tenant admitted last goes second next time.
        foreach (var job in (await JobsOfAsync(_app, acme)).Values.Concat((await JobsOfAsync(_app, globex)).Values).Where(j => j is not null))
            await SucceedAsync(_app, job!.Value);
        Assert.Equal(2, await AdmitAsync());
        await using var next = dataSource.CreateCommand("SELECT batch_id FROM batch_items WHERE job_id IS NOT NULL ORDER BY admitted_at DESC LIMIT 2");
        var last = new List<Guid>();
        await using (var reader = await next.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) last.Add(reader.GetGuid(0));
        }
        Assert.Equal([order[1], order[0]], last);
    }

    [Fact]
    public async Task Replicas_admitting_at_once_never_admit_an_item_twice_nor_exceed_the_limit()
    {
        var batches = new[]
        {
            await SubmitAsync(_app, _app.Acme, FilmLines(40)),
            await SubmitAsync(_app, _app.Acme, FilmLines(20)),
            await SubmitAsync(_app, _app.Globex, FilmLines(40)),
        };

        // Four replicas with the configured limit of 2, then four with room for everything.
        var limited = await AdmitOnReplicasAsync(replicas: 4, maxActiveJobsPerTenant: 2);
        Assert.Equal(4, limited);
        Assert.Equal(2, await CountAsync(_app, $"SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL AND tenant_id = '{_app.Acme}'"));
        Assert.Equal(2, await CountAsync(_app, $"SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL AND tenant_id = '{_app.Globex}'"));

        var unlimited = await AdmitOnReplicasAsync(replicas: 4, maxActiveJobsPerTenant: 1000);
        while (await CountAsync(_app, "SELECT count(*) FROM batch_items WHERE status = 'pending'") > 0)
            unlimited += await AdmitOnReplicasAsync(replicas: 1, maxActiveJobsPerTenant: 1000);

        Assert.Equal(100, limited + unlimited);
        Assert.Equal(100, await CountAsync(_app, "SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL"));
        Assert.Equal(100, await CountAsync(_app, "SELECT count(DISTINCT job_id) FROM batch_items"));
        foreach (var batchId in batches)
        {
            var jobs = await JobsOfAsync(_app, batchId);
            Assert.All(jobs.Values, job => Assert.NotNull(job));
            Assert.Equal(jobs.Count, await CountAsync(_app, $"SELECT count(*) FROM jobs WHERE batch_id = '{batchId}'"));
        }
    }

    /// <summary>Several scheduler replicas (own admission, own connections) against the one database, all at once.</summary>
    private async Task<int> AdmitOnReplicasAsync(int replicas, int maxActiveJobsPerTenant)
    {
        var signal = _app.Factory.Services.GetRequiredService<OutboxSignal>();
        var options = Options.Create(new BatchOptions { MaxActiveJobsPerTenant = maxActiveJobsPerTenant });
        var sources = Enumerable.Range(0, replicas).Select(_ => NpgsqlDataSource.Create(_app.Database)).ToList();
        try
        {
            var admitted = await Task.WhenAll(sources.Select(source =>
                Task.Run(() => new BatchAdmission(source, signal, options).AdmitAsync(TestContext.Current.CancellationToken))));
            return admitted.Sum();
        }
        finally
        {
            foreach (var source in sources) await source.DisposeAsync();
        }
    }
}
