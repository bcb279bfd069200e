using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>
/// Google's POST /v1beta1/text:synthesize: X-Goog-Api-Key or a bearer token; input.text or well-formed input.ssml;
/// LINEAR16 answered as base64 WAV; with SSML_MARK time pointing, one timepoint per &lt;mark&gt;. Errors as
/// {"error": {"code", "message", "status"}}.
/// </summary>
public sealed partial class FakeGoogle : FakeSpeechVendor
{
    public const string ApiKey = "AIza-test-ministudio";
    public const string AccessToken = "ya29.test-ministudio";

    protected override string AudioFileName => "speech.wav";

    protected override string[] AudioEncoding => ["-ar", "24000", "-ac", "1", "-c:a", "pcm_s16le"];

    protected override Task HandleAsync(HttpContext context, JsonNode? body, VendorFailure failure)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/v1beta1/text:synthesize")
            return Error(context, 404, "Requested entity was not found.", "NOT_FOUND");
        var key = context.Request.Headers["X-Goog-Api-Key"].ToString();
        var bearer = context.Request.Headers.Authorization.ToString();
        if (bearer.Length > 0 && bearer != $"Bearer {AccessToken}")
            return Error(context, 401, "Request had invalid authentication credentials.", "UNAUTHENTICATED");
        if (bearer.Length == 0 && key != ApiKey)
            return Error(context, 400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT", "API_KEY_INVALID");

        switch (failure)
        {
            case VendorFailure.RateLimited:
                return Error(context, 429, "Quota exceeded for quota metric 'Requests'.", "RESOURCE_EXHAUSTED", retryAfter: RetryAfterSeconds);
            case VendorFailure.ServerError:
                return Error(context, 503, "The service is currently unavailable.", "UNAVAILABLE");
            case VendorFailure.Rejected:
                return Error(context, 400, "Either `input.text` or `input.ssml` is longer than the limit of 5000 bytes.", "INVALID_ARGUMENT");
        }

        var input = body?["input"];
        var text = Text(input, "text");
        var ssml = Text(input, "ssml");
        if ((text is null) == (ssml is null)) return Error(context, 400, "Exactly one of input.text or input.ssml is required.", "INVALID_ARGUMENT");
        var voice = body?["voice"];
        var language = Text(voice, "languageCode");
        var name = Text(voice, "name");
        if (language is null || name is null || !name.StartsWith(language + "-", StringComparison.Ordinal) || !KnownVoice().IsMatch(name))
            return Error(context, 400, $"Voice '{name}' does not exist. Is it misspelled?", "INVALID_ARGUMENT");
        var config = body?["audioConfig"];
        if (Text(config, "audioEncoding") != "LINEAR16") return Error(context, 400, "this fake only answers LINEAR16", "INVALID_ARGUMENT");
        if (Number(config, "speakingRate") is { } rate and (< 0.25 or > 4)) return Error(context, 400, "speakingRate must be 0.25 to 4.", "INVALID_ARGUMENT");

        var marks = new List<string>();
        if (ssml is not null)
        {
            XDocument document;
            try
            {
                document = XDocument.Parse(ssml);
            }
            catch (XmlException ex)
            {
                return Error(context, 400, $"Invalid SSML: {ex.Message}", "INVALID_ARGUMENT");
            }
            if (document.Root?.Name != "speak") return Error(context, 400, "SSML must be wrapped in <speak>.", "INVALID_ARGUMENT");
            marks.AddRange(document.Descendants("mark").Select(m => (string?)m.Attribute("name") ?? ""));
        }
        var timePointing = body?["enableTimePointing"] is JsonArray kinds && kinds.Any(k => k?.GetValue<string>() == "SSML_MARK");

        // Marks spread evenly over the speech, leaving a little silence at each end as a real voice does.
        var timepoints = timePointing
            ? marks.Select((mark, i) => new { markName = mark, timeSeconds = TimeOfMark(i, marks.Count) }).ToArray()
            : [];
        return JsonAsync(context, 200, new
        {
            audioContent = Convert.ToBase64String(Audio),
            timepoints,
            audioConfig = new { audioEncoding = "LINEAR16", sampleRateHertz = 24000 },
        });
    }

    private static Task Error(HttpContext context, int status, string message, string grpcStatus, string? reason = null, int? retryAfter = null) =>
        JsonAsync(context, status, new
        {
            error = new
            {
                code = status,
                message,
                status = grpcStatus,
                details = reason is null ? null : new[] { new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = reason } },
            },
        }, retryAfter);

    [GeneratedRegex(@"^[a-z]{2}-[A-Z]{2}-(Standard|Wavenet|Neural2|Chirp3-HD)-[A-Za-z]+$")]
    private static partial Regex KnownVoice();

    /// <summary>When the fake says mark <paramref name="index"/> of <paramref name="count"/> is reached.</summary>
    public static double TimeOfMark(int index, int count) => 0.1 + index * (AudioSeconds - 0.3) / Math.Max(1, count);
}
