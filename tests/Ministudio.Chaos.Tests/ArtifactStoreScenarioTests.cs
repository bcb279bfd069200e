using System.Diagnostics;
using Ministudio.Platform;

namespace Ministudio.Chaos.Tests;

/// <summary>
/// R5: the S3 server that holds the artifacts stops mid-batch (the suite's own s3rver, killed) and starts again. The
/// films it catches fail with the retryable <c>artifacts.unavailable</c> (or finish, when dispatch's retries outlast
/// it); resubmitted once the store is back they succeed, and no file a job records as made is missing or cut short in
/// the bucket.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ArtifactStoreScenarioTests(ChaosPlatform platform)
{
    /// <summary>The store stays away at least this long, then until a film has failed for it (so the resubmission is exercised), at most <see cref="MaxOutage"/>.</summary>
    private static readonly TimeSpan MinOutage = TimeSpan.FromSeconds(10), MaxOutage = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task R5_the_artifact_store_down_mid_batch_fails_films_retryably_and_they_succeed_when_resubmitted() =>
        ChaosScenario.RunAsync(platform, "R5 S3 artifact store down", async scenario =>
        {
            var batch = await scenario.SubmitAsync(Ct);
            await batch.WaitUntilUnderWayAsync(shots: 2, Ct);
            var unfinished = await batch.UnfinishedAsync(Ct);

            var fault = Stopwatch.StartNew();
            await platform.ArtifactServer.StopAsync();
            try
            {
                while (fault.Elapsed < MinOutage || (fault.Elapsed < MaxOutage && !await AnyFailedOrDoneAsync(batch)))
                    await Task.Delay(500, Ct);
            }
            finally
            {
                await platform.ArtifactServer.StartAgainAsync();
            }
            var down = fault.Elapsed;
            await batch.WaitUntilFinishedAsync(Ct);

            // Every film the outage failed says so with the store's code, and may be submitted again.
            var failed = (await batch.ResultsAsync(Ct)).Where(line => line["status"]!.GetValue<string>() != "succeeded").ToList();
            Assert.All(failed, line =>
            {
                Assert.Equal("failed", line["status"]!.GetValue<string>());
                Assert.Equal(ArtifactStoreUnavailableException.Code, line["errorCode"]?.GetValue<string>());
                Assert.True(line["retryable"]!.GetValue<bool>(), line.ToJsonString());
            });
            var resubmitted = failed.Count == 0 ? null : await scenario.ResubmitAsync(batch, failed.Select(line => line["line"]!.GetValue<int>()), Ct);
            var back = fault.Elapsed;
            if (resubmitted is not null) await resubmitted.WaitUntilFinishedAsync(Ct);

            // Both submissions together: the batch's films and shots once, the vendor calls and double payments of both.
            var first = await batch.FiguresAsync(scenario.Name, "", Ct);
            var again = resubmitted is null ? null : await resubmitted.FiguresAsync(scenario.Name, "", Ct);
            var figures = new ChaosFigures(scenario.Name, first.Films, first.Succeeded + (again?.Succeeded ?? 0), again?.Failed ?? first.Failed,
                first.Films * ChaosBatch.ShotsPerFilm, first.VendorCalls + (again?.VendorCalls ?? 0), first.Takeovers + (again?.Takeovers ?? 0),
                first.Duplicated + (again?.Duplicated ?? 0),
                $"{unfinished} films unfinished at the stop; store down {down.TotalSeconds:F1} s; {failed.Count} films failed with {ArtifactStoreUnavailableException.Code}, " +
                $"resubmitted {(back - down).TotalSeconds:F1} s after the store was back and done {(fault.Elapsed - back).TotalSeconds:F1} s later", batch.Elapsed).Print();

            Assert.True(figures.Lost == 0, $"films lost after resubmission: {figures}");
            Assert.True(figures.Duplicated == 0, $"shots paid twice: {figures}");
            // A shot in flight when the store went may be made again (retries, then its resubmission); never more than once more each.
            Assert.True(figures.ExtraVendorCalls <= figures.ShotsMade, $"extra vendor calls: {figures}");

            // Nothing recorded as made is missing or cut short: every listed file, read back from the bucket, has its hash.
            var (checkedFiles, bad) = await batch.VerifyDeliverablesAsync(Ct);
            if (resubmitted is not null)
            {
                var (checkedAgain, badAgain) = await resubmitted.VerifyDeliverablesAsync(Ct);
                (checkedFiles, bad) = (checkedFiles + checkedAgain, [.. bad, .. badAgain]);
            }
            var line = $"CHAOS {scenario.Name}: {checkedFiles} recorded files read back from S3, {bad.Count} missing or different";
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            Console.WriteLine(line);
            Assert.True(bad.Count == 0, string.Join(Environment.NewLine, bad));
            Assert.True(checkedFiles >= figures.Films, line);
        }, Ct);

    private static async Task<bool> AnyFailedOrDoneAsync(ChaosBatch batch) =>
        await batch.TryViewAsync(Ct) is { } view && (view["counts"]!["failed"]!.GetValue<int>() > 0 || view["status"]!.GetValue<string>() != "running");
}
