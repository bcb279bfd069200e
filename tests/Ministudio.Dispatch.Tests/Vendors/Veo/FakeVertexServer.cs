using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Veo;

/// <summary>
/// Google's side of Veo on Vertex AI: the OAuth2 token endpoint (JWT bearer grant; the assertion's RS256 signature is
/// checked with the service account's public key, and its iss, aud, scope and lifetime too), the publisher-model
/// :predictLongRunning and :fetchPredictOperation calls (bearer token required), finished operations carrying the
/// video as gcsUri when a storageUri was given and inline base64 otherwise, Responsible AI filtering as
/// raiMediaFilteredCount/Reasons, and the Cloud Storage JSON API's media download for the written objects.
/// </summary>
public sealed class FakeVertexServer : FakeVideoServer
{
    public const string ClientEmail = "dispatch@film-project.iam.gserviceaccount.com";
    public const string KeyId = "0a1b2c3d4e5f";
    // One key pair per test run: generating 2048-bit keys per test would dominate the run time.
    private static readonly RSA SharedKey = RSA.Create(2048);
    private readonly RSA _key = SharedKey;
    private readonly ConcurrentQueue<string> _issued = new();
    private readonly ConcurrentDictionary<string, string?> _operations = new();
    private readonly ConcurrentDictionary<string, bool> _objects = new();

    public IReadOnlyList<string> IssuedTokens => _issued.ToList();

    /// <summary>A service-account key file as Google issues it, for this fake's token endpoint.</summary>
    public string ServiceAccountJson(RSA? signingKey = null) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = "film-project",
        ["private_key_id"] = KeyId,
        ["private_key"] = (signingKey ?? _key).ExportPkcs8PrivateKeyPem(),
        ["client_email"] = ClientEmail,
        ["token_uri"] = TokenUri,
    });

    private string TokenUri => new Uri(BaseUrl, "token").ToString();

    protected override void MapVendorRoutes(WebApplication app)
    {
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
                return Json(new { error = "unsupported_grant_type", error_description = "Invalid grant_type." }, 400);
            if (!AssertionIsValid(form["assertion"].ToString()))
                return Json(new { error = "invalid_grant", error_description = "Invalid JWT Signature." }, 400);
            var token = $"ya29.fake-{_issued.Count + 1}";
            _issued.Enqueue(token);
            return Json(new { access_token = token, expires_in = 3599, token_type = "Bearer" });
        });

        var api = app.MapGroup("").AddEndpointFilter(async (context, next) =>
            _issued.Contains(context.HttpContext.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal))
                ? await next(context)
                : Error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token.", "UNAUTHENTICATED"));
        api.MapPost("/v1/projects/{project}/locations/{location}/publishers/google/models/{call}", (string project, string location, string call, JsonElement body) =>
        {
            var model = call.Split(':')[0];
            if (call.EndsWith(":predictLongRunning", StringComparison.Ordinal)) return Predict(project, location, model, body);
            if (call.EndsWith(":fetchPredictOperation", StringComparison.Ordinal)) return Fetch(body.GetProperty("operationName").GetString()!);
            return Error(404, "Method not found.", "NOT_FOUND");
        });
        api.MapGet("/storage/v1/b/{bucket}/o/{name}", (string bucket, string name, string? alt) =>
            alt == "media" && _objects.ContainsKey($"gs://{bucket}/{Uri.UnescapeDataString(name)}")
                ? Results.Bytes(Video, "video/mp4")
                : Error(404, $"No such object: {bucket}/{name}", "NOT_FOUND"));
    }

    private IResult Predict(string project, string location, string model, JsonElement body)
    {
        if (!Models.Contains(model)) return Error(404, $"Publisher Model `{model}` not found.", "NOT_FOUND");
        if (VeoRules.Violation(body) is { } violation) return Error(400, violation, "INVALID_ARGUMENT");
        var id = Guid.NewGuid().ToString();
        _operations[id] = body.GetProperty("parameters").TryGetProperty("storageUri", out var storage) ? storage.GetString() : null;
        return Json(new { name = $"projects/{project}/locations/{location}/publishers/google/models/{model}/operations/{id}" });
    }

    private IResult Fetch(string operationName)
    {
        var id = operationName[(operationName.LastIndexOf('/') + 1)..];
        if (!_operations.TryGetValue(id, out var storageUri)) return Error(404, "Operation not found.", "NOT_FOUND");
        const string type = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse";
        return Advance(id) switch
        {
            FakeState.Queued or FakeState.Running => Json(new { name = operationName }),
            FakeState.Succeeded when storageUri is not null => Json(new
            {
                name = operationName,
                done = true,
                response = new Dictionary<string, object>
                {
                    ["@type"] = type,
                    ["raiMediaFilteredCount"] = 0,
                    ["videos"] = new[] { new { gcsUri = Written($"{storageUri.TrimEnd('/')}/{id}/sample_0.mp4"), mimeType = "video/mp4" } },
                },
            }),
            FakeState.Succeeded => Json(new
            {
                name = operationName,
                done = true,
                response = new Dictionary<string, object>
                {
                    ["@type"] = type,
                    ["videos"] = new[] { new { bytesBase64Encoded = Convert.ToBase64String(Video), mimeType = "video/mp4" } },
                },
            }),
            FakeState.Failed { Kind: FakeFailure.Safety } => Json(new
            {
                name = operationName,
                done = true,
                response = new Dictionary<string, object>
                {
                    ["@type"] = type,
                    ["raiMediaFilteredCount"] = 1,
                    ["raiMediaFilteredReasons"] = new[] { "Unable to generate videos because the prompt could violate Vertex AI's usage guidelines. Support codes: 58061214" },
                },
            }),
            _ => Json(new { name = operationName, done = true, error = new { code = 13, message = "Internal error encountered." } }),
        };
    }

    private string Written(string gcsUri)
    {
        _objects[gcsUri] = true;
        return gcsUri;
    }

    /// <summary>Checks what Google checks: the RS256 signature with the account's public key, issuer, audience, scope, lifetime.</summary>
    private bool AssertionIsValid(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3) return false;
        var signed = _key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        var c = claims.RootElement;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return signed
            && header.RootElement.GetProperty("alg").GetString() == "RS256"
            && header.RootElement.GetProperty("kid").GetString() == KeyId
            && c.GetProperty("iss").GetString() == ClientEmail
            && c.GetProperty("aud").GetString() == TokenUri
            && c.GetProperty("scope").GetString() == "https://www.googleapis.com/auth/cloud-platform"
            && c.GetProperty("iat").GetInt64() <= now + 60
            && c.GetProperty("exp").GetInt64() > now
            && c.GetProperty("exp").GetInt64() - c.GetProperty("iat").GetInt64() <= 3600;
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }

    /// <summary>The Veo models Vertex AI serves (Google's model list, checked 2026-12-02).</summary>
    public static readonly HashSet<string> Models = ["veo-3.1-generate-001", "veo-3.1-fast-generate-001", "veo-3.1-lite-generate-001"];

    public static IResult Error(int code, string message, string status) => Json(new { error = new { code, message, status } }, code);
}
