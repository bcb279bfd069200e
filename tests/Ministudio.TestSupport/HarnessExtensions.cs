using MassTransit.Testing;
using Xunit;

namespace Ministudio.TestSupport;

public static class HarnessExtensions
{
    /// <summary>
    /// Waits for exactly one published message that matches. The harness's own Any() stops waiting once the bus has
    /// been idle for a while, even when the message is still to come.
    /// </summary>
    public static async Task<T> PublishedAsync<T>(this ITestHarness harness, Func<T, bool> match, int timeoutSeconds = 60) where T : class =>
        Assert.Single(await harness.PublishedAsync(match, count: 1, timeoutSeconds));

    /// <summary>Waits until exactly <paramref name="count"/> published messages match (more is a failure, as is fewer by the deadline).</summary>
    public static async Task<IReadOnlyList<T>> PublishedAsync<T>(this ITestHarness harness, Func<T, bool> match, int count, int timeoutSeconds = 60) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var found = harness.Published.Select<T>().Select(m => m.Context.Message).Where(match).ToList();
            if (found.Count >= count)
            {
                Assert.Equal(count, found.Count);
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{found.Count} of {count} {typeof(T).Name} were published within {timeoutSeconds} s.");
            await Task.Delay(50);
        }
    }
}
