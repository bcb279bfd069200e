using MassTransit.Testing;
using Xunit;

namespace Ministudio.TestSupport;

public static class HarnessExtensions
{
    /// <summary>
    /// Waits for exactly one published message that matches. The harness's own Any() stops waiting once the bus has
    /// been idle for a while, even when the message is still to come.
    /// </summary>
    public static async Task<T> PublishedAsync<T>(this ITestHarness harness, Func<T, bool> match, int timeoutSeconds = 60) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var found = harness.Published.Select<T>().Select(m => m.Context.Message).Where(match).ToList();
            if (found.Count > 0) return Assert.Single(found);
            Assert.True(DateTime.UtcNow < deadline, $"No {typeof(T).Name} was published within {timeoutSeconds} s.");
            await Task.Delay(50);
        }
    }
}
