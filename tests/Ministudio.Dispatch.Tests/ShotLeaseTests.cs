using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Providers.Vendors.Runway;
using Ministudio.Dispatch.Tests.Vendors;
using Ministudio.Dispatch.Tests.Vendors.Runway;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>
/// Shots in production are leased: an owner that stops heart-beating (killed, frozen) loses its shot after the grace
/// period to the next owner, which resumes the vendor task and the cost reservation instead of paying again.
/// </summary>
public sealed class ShotLeaseTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NpgsqlDataSource _ledger = null!;

    public async ValueTask InitializeAsync() => _ledger = await LedgerDatabase.CreateAsync();

    public async ValueTask DisposeAsync() => await _ledger.DisposeAsync();

    private ShotLeases Leases(TimeSpan heartbeat, TimeSpan grace) => new(_ledger,
        Options.Create(new ShotLeaseOptions { HeartbeatInterval = heartbeat, GracePeriod = grace }), TimeProvider.System, NullLogger<ShotLeases>.Instance);

    [Fact]
    public async Task A_shot_whose_owner_froze_after_the_vendor_took_it_is_taken_over_and_polled_without_a_second_create_or_charge()
    {
        await using var fake = await FakeVendorServer.StartAsync<FakeRunwayServer>();
        var settings = VendorHarness.VendorSettings(RunwayProvider.ProviderName, fake.BaseUrl);
        // The first owner's process stops dead right after the vendor accepted the task: no heartbeat, no poll, no clean-up.
        var freeze = new Freeze();
        await using var crashed = VendorHarness.Create(settings, configure: services =>
            services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new FreezingHandler(freeze))));
        await using var survivor = VendorHarness.Create(settings);
        var shot = Shots.For(RunwayProvider.ProviderName, duration: 5);

        var first = await Leases(TimeSpan.FromHours(1), TimeSpan.FromHours(2)).AcquireAsync(shot.JobId, shot.ShotIndex, Ct);
        Assert.NotNull(first);
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var routerA = LedgerDatabase.Router(_ledger, crashed.Configuration, crashed.Provider(RunwayProvider.ProviderName));
        var abandoned = routerA.GenerateAsync(shot with { Lease = first }, new RecordingProgress(), kill.Token);
        await Eventually.ValueAsync(() => LeaseRowOrNullAsync(shot.JobId), row => row?.VendorTaskId is not null);
        Assert.Equal(1, fake.Requests.Count(IsCreate));

        var taken = await Leases(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)).AcquireAsync(shot.JobId, shot.ShotIndex, Ct);
        Assert.NotNull(taken);
        Assert.Equal(1, taken.Takeovers);
        Assert.Equal(RunwayProvider.ProviderName, taken.Attempt!.Vendor);
        var routerB = LedgerDatabase.Router(_ledger, survivor.Configuration, survivor.Provider(RunwayProvider.ProviderName));
        var routed = await routerB.GenerateAsync(shot with { Lease = taken }, new RecordingProgress(), Ct);
        await taken.FinishAsync();
        await taken.DisposeAsync();

        Assert.Equal(fake.Video, survivor.Read(routed.Clip.ArtifactHash));
        Assert.Equal(1, fake.Requests.Count(IsCreate));
        Assert.Contains(fake.Requests, r => r.Method == "GET" && r.Path == $"/v1/tasks/{taken.Attempt!.VendorTaskId}");
        // One attempt, one ledger row, committed once at the actual price.
        var rows = await LedgerRowsAsync(shot.JobId);
        Assert.Equal([("committed", taken.Attempt.Reservation!.Value)], rows);
        // Finished: a late redelivery of the shot is not produced again.
        Assert.Null(await Leases(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)).AcquireAsync(shot.JobId, shot.ShotIndex, Ct));

        // The frozen owner, woken and stopped, changes nothing: its reservation is settled and the lease is not its own.
        await kill.CancelAsync();
        freeze.Thaw();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await first.DisposeAsync();
        Assert.Equal(rows, await LedgerRowsAsync(shot.JobId));
    }

    [Fact]
    public async Task A_redelivered_shot_waits_while_its_owner_heart_beats_and_is_not_produced_again_once_the_owner_finished()
    {
        var owner = await Leases(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)).AcquireAsync(Guid.NewGuid(), 0, Ct);
        Assert.NotNull(owner);

        var redelivered = Leases(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)).AcquireAsync(owner.JobId, 0, Ct);
        // Three grace periods of heartbeats: the live owner keeps the shot.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.False(redelivered.IsCompleted);

        await owner.FinishAsync();
        await owner.DisposeAsync();
        Assert.Null(await redelivered);
    }

    [Fact]
    public async Task A_shot_given_up_unfinished_is_taken_by_its_redelivery_at_once()
    {
        var leases = Leases(TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        var owner = await leases.AcquireAsync(Guid.NewGuid(), 0, Ct);
        Assert.NotNull(owner);
        var redelivered = leases.AcquireAsync(owner.JobId, 0, Ct);

        // The service stopping: the shot was not produced, so the redelivery must not wait out the grace period.
        await owner.DisposeAsync();
        var taken = await redelivered;
        Assert.NotNull(taken);
        Assert.Equal((0, null), (taken.Takeovers, taken.Attempt));
        await taken.DisposeAsync();
    }

    private static bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path is "/v1/text_to_video" or "/v1/image_to_video";

    private async Task<(string? VendorTaskId, string Owner)?> LeaseRowOrNullAsync(Guid jobId)
    {
        await using var command = _ledger.CreateCommand("SELECT vendor_task_id, owner FROM dispatch.shot_leases WHERE job_id = $1");
        command.Parameters.AddWithValue(jobId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        return await reader.ReadAsync(Ct) ? (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1)) : null;
    }

    private async Task<List<(string State, Guid Id)>> LedgerRowsAsync(Guid jobId)
    {
        await using var command = _ledger.CreateCommand("SELECT state, id FROM dispatch.cost_ledger WHERE job_id = $1 ORDER BY created_at");
        command.Parameters.AddWithValue(jobId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, Guid)>();
        while (await reader.ReadAsync(Ct)) rows.Add((reader.GetString(0), reader.GetGuid(1)));
        return rows;
    }

    /// <summary>Once a create call went through, every later call of this process hangs: a process stopped dead, as seen from outside.</summary>
    private sealed class Freeze
    {
        private readonly TaskCompletionSource _thawed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Frozen { get; set; }

        public Task Thawed => _thawed.Task;

        public void Thaw() => _thawed.TrySetResult();
    }

    private sealed class FreezingHandler(Freeze freeze) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (freeze.Frozen) await freeze.Thawed.WaitAsync(ct);
            var response = await base.SendAsync(request, ct);
            if (request.Method == HttpMethod.Post) freeze.Frozen = true;
            return response;
        }
    }
}
