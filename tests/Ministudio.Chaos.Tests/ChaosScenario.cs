using System.Diagnostics;
using System.Text;
using Ministudio.ServiceDefaults;
using Xunit.Sdk;

namespace Ministudio.Chaos.Tests;

/// <summary>
/// One scenario's run: its batches and its clock. It ends with no message left faulted in an <c>_error</c> queue
/// (a film can finish while a consumer's message went there, and that message's work is lost); a scenario that fails
/// says why in its message: the unfinished films' shot leases, the queues that hold messages and why the faulted ones
/// faulted, and the services' last log lines.
/// </summary>
public sealed class ChaosScenario
{
    private static readonly string[] Services = [ResourceNames.Dispatch, ResourceNames.Render, ResourceNames.Compose, ResourceNames.Prompt, ResourceNames.Gateway];

    private readonly ChaosPlatform _platform;
    private readonly BrokerQueues _queues;
    private readonly List<ChaosBatch> _batches = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private ChaosScenario(ChaosPlatform platform, string name)
    {
        (_platform, _queues, Name) = (platform, new BrokerQueues(platform), name);
    }

    public string Name { get; }

    /// <summary>Runs a scenario and prints its wall time (<c>CHAOS TIME</c>); a failure carries its explanation.</summary>
    public static async Task RunAsync(ChaosPlatform platform, string name, Func<ChaosScenario, Task> body, CancellationToken ct)
    {
        var scenario = new ChaosScenario(platform, name);
        try
        {
            await body(scenario);
            await scenario.AssertNothingFaultedAsync(ct);
        }
        catch (Exception failure) when (!ct.IsCancellationRequested)
        {
            throw new XunitException(
                $"{name} failed after {scenario._clock.Elapsed.TotalSeconds:F1} s: {failure.Message}{Environment.NewLine}{await scenario.ExplainAsync(ct)}", failure);
        }
        finally
        {
            var line = $"CHAOS TIME {name}: {scenario._clock.Elapsed.TotalSeconds:F1} s";
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            Console.WriteLine(line);
        }
    }

    /// <summary>Submits this scenario's batch (<see cref="ChaosBatch.SubmitAsync"/>), named after it.</summary>
    public async Task<ChaosBatch> SubmitAsync(CancellationToken ct, int? films = null, Func<int, int, long?>? seedOf = null)
    {
        var batch = await ChaosBatch.SubmitAsync(_platform, Name, ct, films, seedOf);
        _batches.Add(batch);
        return batch;
    }

    /// <summary>Submits the films on <paramref name="lines"/> of <paramref name="batch"/> again (<see cref="ChaosBatch.ResubmitAsync"/>).</summary>
    public async Task<ChaosBatch> ResubmitAsync(ChaosBatch batch, IEnumerable<int> lines, CancellationToken ct)
    {
        var again = await batch.ResubmitAsync(lines, ct);
        _batches.Add(again);
        return again;
    }

    private static IReadOnlyDictionary<string, long> Faulted(IReadOnlyDictionary<string, long> depths) =>
        depths.Where(queue => queue.Key.EndsWith(BrokerQueues.ErrorSuffix, StringComparison.Ordinal)).ToDictionary();

    /// <summary>No more messages in <c>_error</c> queues than the scenario before left (rabbitmqctl takes seconds: once a scenario).</summary>
    private async Task AssertNothingFaultedAsync(CancellationToken ct)
    {
        var before = _platform.FaultedMessages;
        var now = _platform.FaultedMessages = Faulted(await _queues.DepthsAsync(ct));
        var added = now.Where(queue => queue.Value > before.GetValueOrDefault(queue.Key)).Select(queue => $"{queue.Key} +{queue.Value - before.GetValueOrDefault(queue.Key)}").ToList();
        Assert.True(added.Count == 0, $"messages faulted for good during the scenario: {string.Join(", ", added)}");
    }

    /// <summary>What explains a failed scenario; each part says so when it could not be read (a broker or database still away).</summary>
    private async Task<string> ExplainAsync(CancellationToken ct)
    {
        var text = new StringBuilder();
        foreach (var batch in _batches)
        {
            await Part(text, $"batch {batch.Id}, films not succeeded", async () =>
            {
                var lines = new StringBuilder();
                foreach (var (job, state) in (await batch.NotSucceededAsync(ct)).Take(ChaosPlatform.FilmsAtOnce))
                    lines.AppendLine($"  job {job} {state}; {await _platform.LeasesOfAsync(job)}");
                return lines.ToString();
            });
        }
        await Part(text, "queues holding messages", async () =>
        {
            var depths = await _queues.DepthsAsync(ct);
            var lines = new StringBuilder($"  {string.Join(", ", depths.Where(queue => queue.Value > 0).Select(queue => $"{queue.Key} {queue.Value}"))}{Environment.NewLine}");
            foreach (var (queue, _) in Faulted(depths).Where(queue => queue.Value > 0)) lines.Append(await _queues.FaultsInAsync(queue, 3, ct));
            return lines.ToString();
        });
        text.AppendLine("services' last log lines:");
        text.Append(_platform.RecentLogs(40, Services));
        return text.ToString();
    }

    private static async Task Part(StringBuilder text, string title, Func<Task<string>> read)
    {
        text.AppendLine($"{title}:");
        try
        {
            text.Append(await read());
        }
        catch (Exception unreadable)
        {
            text.AppendLine($"  (could not be read: {unreadable.GetType().Name}: {unreadable.Message})");
        }
    }
}
