using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Ministudio.EndToEnd.Tests.Studio;

/// <summary>The gateway's /docs page (Scalar) rendered in headless Chromium: it loads the live document and lists every route.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ApiDocsPageTests(PlatformFixture platform)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_docs_page_renders_and_lists_every_route_of_the_document()
    {
        using var client = platform.GatewayClient(apiKey: null);
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;
        var routes = document["paths"]!.AsObject()
            .SelectMany(p => Methods.Where(m => p.Value![m] is not null).Select(m => (Method: m.ToUpperInvariant(), Path: p.Key)))
            .ToList();
        Assert.True(routes.Count > 30, $"only {routes.Count} operations in the document");

        await using var browser = await StudioBrowser.LaunchAsync();
        var docs = await browser.OpenAsync(platform.GatewayUrl);
        await StudioBrowser.RecordingFailuresAsync(docs.Page, "api-docs", async () =>
        {
            await docs.Page.GotoAsync("/docs", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            Assert.Equal("Ministudio API", await docs.Page.TitleAsync());
            // The sidebar names each operation by its path and method ("HTTP Method: POST", DELETE as "DEL"), every tag
            // open; Scalar breaks paths into pieces, so its text is compared without whitespace.
            var sidebar = docs.Page.GetByRole(AriaRole.Complementary).First;
            var expected = routes.Select(r => $"{r.Path}HTTPMethod:{(r.Method == "DELETE" ? "DEL" : r.Method)}").ToList();
            List<string> missing = [];
            var deadline = DateTime.UtcNow.AddSeconds(60);
            do
            {
                var text = string.Concat((await sidebar.TextContentAsync() ?? "").Where(c => !char.IsWhiteSpace(c)));
                missing = expected.Where(e => !text.Contains(e, StringComparison.Ordinal)).ToList();
                if (missing.Count == 0) break;
                await Task.Delay(500);
            } while (DateTime.UtcNow < deadline);
            Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Count} operations not in the sidebar: {string.Join(", ", missing)}");
            Assert.Empty(docs.PageErrors);
            // Everything the page loaded came from the gateway itself.
            Assert.All(docs.RequestUrls, url => Assert.StartsWith(platform.GatewayUrl.GetLeftPart(UriPartial.Authority), url, StringComparison.Ordinal));
        });
    }
}
