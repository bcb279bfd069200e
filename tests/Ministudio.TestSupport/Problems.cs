using System.Text.Json;

namespace Ministudio.TestSupport;

public static class Problems
{
    /// <summary>The stable <c>code</c> of a problem+json answer.</summary>
    public static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("code").GetString();
    }
}
