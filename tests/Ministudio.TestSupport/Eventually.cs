using System.Runtime.CompilerServices;
using System.Text.Json;
using Xunit;

namespace Ministudio.TestSupport;

/// <summary>
/// Waits for something another task makes true. The limit only stops a broken test from hanging; tests assert on
/// what happened, never on how fast.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task TrueAsync(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not met in time: {what}");
            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Probes until the value meets the condition and returns it; a timeout names the last value seen.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var value = await probe();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not met in time: {what}; last value: {JsonSerializer.Serialize(value)}");
            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        }
    }
}
