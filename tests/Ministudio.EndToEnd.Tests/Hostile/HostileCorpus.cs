using System.Text;
using static Ministudio.EndToEnd.Tests.Hostile.HostileCase;

namespace Ministudio.EndToEnd.Tests.Hostile;

/// <summary>
/// The hostile-input corpus: every public route with malformed and duplicate-key JSON, control characters and bad
/// Unicode in text fields, oversize bodies with and without Content-Length, bad ids and query values, wrong methods,
/// header tricks, cross-tenant reads and writes, and direct calls to the services behind the gateway.
/// Path placeholders ({job}, {character}, …) are the tenant's own resources, made before the corpus runs.
/// </summary>
public static class HostileCorpus
{
    /// <summary>JSON routes and a body for each whose first text field takes the hostile text (<c>@</c>).</summary>
    private static readonly (Sender Sender, HttpMethod Method, string Path, string Body)[] JsonRoutes =
    [
        (Sender.Tenant, HttpMethod.Post, "/v1/films", """{"title":"@","aspectRatio":"16:9","provider":"mock","shots":[{"action":"A gull lands"}]}"""),
        (Sender.Tenant, HttpMethod.Post, "/v1/films:compile", """{"title":"Gulls","aspectRatio":"16:9","shots":[{"action":"@"}]}"""),
        (Sender.Tenant, HttpMethod.Post, "/v1/timelines", """{"title":"@","output":{"preset":"16:9-720p"},"tracks":[]}"""),
        (Sender.Tenant, HttpMethod.Post, "/v1/characters", """{"name":"@","identity":{"hair":"red"}}"""),
        (Sender.Tenant, HttpMethod.Put, "/v1/characters/{character}", """{"name":"@","identity":{"hair":"red"}}"""),
        (Sender.Tenant, HttpMethod.Post, "/v1/environments", """{"location":"@"}"""),
        (Sender.Tenant, HttpMethod.Post, "/v1/styles", """{"name":"@","palette":["teal"]}"""),
        (Sender.Tenant, HttpMethod.Post, "/v1/webhooks", """{"url":"@","events":["job.succeeded"]}"""),
        (Sender.Tenant, HttpMethod.Post, "/v1/images:fetch", """{"url":"@"}"""),
        (Sender.Tenant, HttpMethod.Post, "/v1/estimates", """{"shots":[{"provider":"@","durationSeconds":4}]}"""),
        (Sender.Admin, HttpMethod.Post, "/admin/v1/tenants", """{"name":"@","plan":"corpus"}"""),
        (Sender.Admin, HttpMethod.Put, "/admin/v1/plans/hostile", """{"rateLimitPerMinute":60,"concurrentJobs":1,"allowedProviders":["@"]}"""),
        (Sender.Admin, HttpMethod.Put, "/admin/v1/tenants/{tenant}/plan", """{"plan":"@"}"""),
        (Sender.Admin, HttpMethod.Post, "/admin/v1/tenants/{tenant}/keys", """{"name":"@","type":"live"}"""),
    ];

    /// <summary>Text that must never be stored: (name, JSON-escaped text, the code it earns).</summary>
    private static readonly (string Name, string Json, string Code)[] HostileText =
    [
        ("NUL", "a\\u0000b", "text.control_character"),
        ("escape character", "a\\u001bb", "text.control_character"),
        ("bell", "\\u0007", "text.control_character"),
        ("C1 control", "a\\u0085b", "text.control_character"),
        ("lone high surrogate", "a\\ud800b", "text.invalid_unicode"),
        ("lone low surrogate", "\\udc00", "text.invalid_unicode"),
        ("reversed surrogate pair", "\\udc00\\ud800", "text.invalid_unicode"),
    ];

    public static IEnumerable<HostileCase> All()
    {
        foreach (var (sender, method, path, body) in JsonRoutes)
        {
            var at = $"{method} {path}";
            foreach (var (name, text, code) in HostileText)
                yield return new($"{at}: {name} in a text value", sender, method, path, () => Json(body.Replace("@", text)), 400, code);
            yield return new($"{at}: NUL in a key", sender, method, path, () => Json(body.Replace("{\"", "{\"x\\u0000", StringComparison.Ordinal)), 400, "text.control_character");
            var firstKey = body[(body.IndexOf('"') + 1)..body.IndexOf('"', body.IndexOf('"') + 1)];
            yield return new($"{at}: a duplicate key", sender, method, path, () => Json(body.Replace("{", $"{{\"{firstKey}\":\"one\",", StringComparison.Ordinal)), 400, "json.duplicate_key");
            yield return new($"{at}: truncated JSON", sender, method, path, () => Json(body[..(body.Length / 2)]), 400, "request.malformed_json");
            yield return new($"{at}: invalid UTF-8", sender, method, path, () => Raw([.. Encoding.UTF8.GetBytes("{\"name\":\"a"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")], "application/json"), 400);
            yield return new($"{at}: an empty body", sender, method, path, () => Json(""), 400);
            yield return new($"{at}: null", sender, method, path, () => Json("null"), 400);
            yield return new($"{at}: an array", sender, method, path, () => Json("[1,2,3]"), 400);
            yield return new($"{at}: a deep nest", sender, method, path, () => Json(new string('[', 5000) + new string(']', 5000)), 400);
            yield return new($"{at}: a number where text goes", sender, method, path, () => Json(body.Replace("\"@\"", "12345", StringComparison.Ordinal)), 400);
            yield return new($"{at}: 2 MiB with Content-Length", sender, method, path, () => Json(body.Replace("@", new string('x', 2 << 20))), 413);
            yield return new($"{at}: 2 MiB chunked", sender, method, path, () => Chunked(2 << 20, "application/json"), 413);
        }

        foreach (var (name, text, code) in HostileText)
            yield return new($"batch line with {name}", Sender.Tenant, HttpMethod.Post, "/v1/batches",
                () => Raw(Encoding.UTF8.GetBytes($"{{\"title\":\"{text}\",\"aspectRatio\":\"16:9\",\"shots\":[{{\"action\":\"x\"}}]}}\n"), "application/x-ndjson"), 400);
        yield return new("batch line with a duplicate key", Sender.Tenant, HttpMethod.Post, "/v1/batches",
            () => Raw(Encoding.UTF8.GetBytes("{\"title\":\"a\",\"title\":\"b\",\"shots\":[{\"action\":\"x\"}]}\n"), "application/x-ndjson"), 400);
        yield return new("batch as plain text", Sender.Tenant, HttpMethod.Post, "/v1/batches", () => Raw("hello"u8.ToArray(), "text/plain"), 415);
        yield return new("batch of only blank lines", Sender.Tenant, HttpMethod.Post, "/v1/batches", () => Raw("\n\n\n"u8.ToArray(), "application/x-ndjson"), 400);

        foreach (var (path, expected) in new (string, int)[]
                 {
                     ("/v1/jobs/not-a-guid", 404), ("/v1/jobs/{missing}", 404), ("/v1/jobs/{missing}/video", 404), ("/v1/jobs/{missing}/events", 404),
                     ("/v1/batches/xyz", 404), ("/v1/batches/{missing}/results", 404), ("/v1/characters/{missing}", 404), ("/v1/characters/12", 404),
                     ("/v1/environments/{missing}", 404), ("/v1/styles/{missing}", 404), ("/v1/webhooks/{missing}", 404), ("/v1/webhooks/{missing}/deliveries", 404),
                     ("/v1/images/..%2F..%2Fetc%2Fpasswd", 404), ("/v1/images/%01", 404), ("/v1/images/" + new string('a', 64), 404),
                     ("/v1/no-such-route", 404), ("/v1/", 404), ("/nothing-here", 404), ("/v1/jobs/{missing}/../../admin/v1/tenants", 404),
                 })
            yield return new($"GET {path}", Sender.Tenant, HttpMethod.Get, path, Status: expected);

        foreach (var (path, expected) in new (string, int)[]
                 {
                     ("/v1/jobs?limit=abc", 400), ("/v1/jobs?limit=-1", 400), ("/v1/jobs?limit=99999999999999999999", 400), ("/v1/jobs?status=%00", 400),
                     ("/v1/jobs?cursor=%ff%fe", 0), ("/v1/jobs?status=bogus", 0), ("/v1/batches?limit=x", 400), ("/v1/usage?from=yesterday", 400),
                     ("/v1/usage?from=%01", 400), ("/v1/jobs?%00=1", 400),
                 })
            yield return new($"GET {path}", Sender.Tenant, HttpMethod.Get, path, Status: expected == 0 ? null : expected);
        foreach (var path in new[] { "/admin/v1/audit?limit=abc", "/admin/v1/audit?limit=-5", "/admin/v1/audit?since=notadate", "/admin/v1/audit?tenant=zzz", "/admin/v1/tenants/not-a-guid", "/admin/v1/tenants/{missing}", "/admin/v1/plans?x=%07" })
            yield return new($"GET {path} (admin)", Sender.Admin, HttpMethod.Get, path);

        foreach (var (method, path) in new (HttpMethod, string)[]
                 {
                     (HttpMethod.Delete, "/v1/films"), (HttpMethod.Get, "/v1/films"), (HttpMethod.Put, "/v1/jobs/{job}"), (HttpMethod.Patch, "/v1/characters/{character}"),
                     (HttpMethod.Get, "/v1/films:compile"), (HttpMethod.Delete, "/v1/jobs/{job}"), (HttpMethod.Put, "/v1/batches"), (HttpMethod.Post, "/v1/style-packs"),
                     (HttpMethod.Delete, "/admin/v1/plans"), (HttpMethod.Post, "/v1/usage"), (new HttpMethod("PROPFIND"), "/v1/jobs"), (HttpMethod.Post, "/v1/jobs/{job}:explode"),
                 })
            yield return new($"{method} {path}", method == HttpMethod.Delete && path.StartsWith("/admin", StringComparison.Ordinal) ? Sender.Admin : Sender.Tenant, method, path, Status: method == HttpMethod.Post && path.EndsWith(":explode", StringComparison.Ordinal) ? 404 : 405);

        foreach (var (name, header, value, status) in new (string, string, string, int)[]
                 {
                     ("a non-ASCII header value", "X-Note", "café ünïcødé", 400),
                     ("a non-ASCII Idempotency-Key", "Idempotency-Key", "clé-été", 400),
                     ("a very long Idempotency-Key", "Idempotency-Key", new string('k', 600), 400),
                     ("an Idempotency-Key with a tab", "Idempotency-Key", "a\tb", 400),
                     ("a forged X-Tenant-Id", "X-Tenant-Id", "00000000-0000-0000-0000-000000000001", 202),
                     ("a forged X-Forwarded-Host", "X-Forwarded-Host", "evil.example", 202),
                 })
            yield return new($"POST /v1/films with {name}", Sender.Tenant, HttpMethod.Post, "/v1/films",
                () => Json("""{"title":"Header film","aspectRatio":"16:9","provider":"mock","shots":[{"action":"A gull lands","durationSeconds":1}]}"""),
                status, Headers: new Dictionary<string, string> { [header] = value });

        foreach (var (name, value) in new[]
                 {
                     ("no scheme", "ms_dev_x"), ("Basic", "Basic dXNlcjpwYXNz"), ("an empty bearer", "Bearer "), ("a bearer with spaces", "Bearer a b c"),
                     ("a bearer of 10 kB", "Bearer " + new string('a', 10_000)), ("a revoked-looking key", "Bearer ms_live_0000000000000000000000000000000000000000000"),
                 })
            yield return new($"GET /v1/jobs with {name} credentials", Sender.Anonymous, HttpMethod.Get, "/v1/jobs", Status: 401,
                Headers: new Dictionary<string, string> { ["Authorization"] = value });
        yield return new("GET /v1/jobs with no credentials", Sender.Anonymous, HttpMethod.Get, "/v1/jobs", Status: 401);
        yield return new("GET /admin/v1/tenants with a tenant key", Sender.Tenant, HttpMethod.Get, "/admin/v1/tenants", Status: 403, Code: "admin.tenant_key");

        foreach (var (method, path) in new (HttpMethod, string)[]
                 {
                     (HttpMethod.Get, "/v1/jobs/{job}"), (HttpMethod.Get, "/v1/jobs/{job}/video"), (HttpMethod.Get, "/v1/jobs/{job}/events"), (HttpMethod.Post, "/v1/jobs/{job}:cancel"),
                     (HttpMethod.Get, "/v1/characters/{character}"), (HttpMethod.Delete, "/v1/characters/{character}"), (HttpMethod.Get, "/v1/webhooks/{webhook}"),
                     (HttpMethod.Delete, "/v1/webhooks/{webhook}"), (HttpMethod.Post, "/v1/webhooks/{webhook}:rotate"), (HttpMethod.Get, "/v1/webhooks/{webhook}/deliveries"),
                     (HttpMethod.Get, "/v1/batches/{batch}"), (HttpMethod.Get, "/v1/batches/{batch}/results"), (HttpMethod.Post, "/v1/batches/{batch}:cancel"),
                 })
            yield return new($"{method} {path} as another tenant", Sender.OtherTenant, method, path, Status: 404);
        yield return new("PUT /v1/characters/{character} as another tenant", Sender.OtherTenant, HttpMethod.Put, "/v1/characters/{character}",
            () => Json("""{"name":"Stolen","identity":{"hair":"red"}}"""), 404);
        yield return new("a film using another tenant's character", Sender.OtherTenant, HttpMethod.Post, "/v1/films:compile",
            () => Json("""{"title":"Borrowed","aspectRatio":"16:9","characters":[{"ref":"{character}"}],"shots":[{"action":"x"}]}"""), 400);

        // Behind the gateway: a service answers nothing (not even 404) without the gateway's signed assertion, whatever
        // X-Tenant-Id or key a caller inside the network sends, and refuses a forged or foreign assertion alike.
        var forgedTenant = new Dictionary<string, string> { ["X-Tenant-Id"] = "00000000-0000-0000-0000-000000000001" };
        var forgedAssertion = new Dictionary<string, string> { ["X-Ministudio-Assertion"] = "v1.AAAAAAAA.eyJzIjoiZ2F0ZXdheSJ9.AAAA" };
        foreach (var (sender, method, path) in new (Sender, HttpMethod, string)[]
                 {
                     (Sender.DirectPrompt, HttpMethod.Get, "/v1/jobs"), (Sender.DirectPrompt, HttpMethod.Get, "/v1/characters"),
                     (Sender.DirectPrompt, HttpMethod.Get, "/v1/jobs/not-a-guid"), (Sender.DirectPrompt, HttpMethod.Post, "/internal/keys/resolve"),
                     (Sender.DirectPrompt, HttpMethod.Get, "/admin/v1/tenants"), (Sender.DirectPrompt, HttpMethod.Get, "/nothing"),
                     (Sender.DirectDispatch, HttpMethod.Get, "/v1/usage"), (Sender.DirectDispatch, HttpMethod.Post, "/v1/estimates"),
                     (Sender.DirectDispatch, HttpMethod.Get, "/nothing"), (Sender.DirectCompose, HttpMethod.Get, "/v1/jobs"),
                     (Sender.DirectCompose, HttpMethod.Get, "/nothing"), (Sender.DirectRender, HttpMethod.Get, "/stats"),
                     (Sender.DirectRender, HttpMethod.Get, "/nothing"), (Sender.DirectMcp, HttpMethod.Post, "/mcp"),
                     (Sender.DirectMcp, HttpMethod.Get, "/nothing"),
                 })
        {
            Func<HttpContent?>? body = method == HttpMethod.Post ? () => Json("""{"key":"ms_test_x","shots":[]}""") : null;
            yield return new($"{method} {path} on {sender} without the gateway", sender, method, path, body, 401, "auth.assertion_missing");
            yield return new($"{method} {path} on {sender} with a forged X-Tenant-Id", sender, method, path, body, 401, "auth.assertion_missing", forgedTenant);
            yield return new($"{method} {path} on {sender} with a forged assertion", sender, method, path, body, 401, "auth.assertion_invalid", forgedAssertion);
        }
    }
}
