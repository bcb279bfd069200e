using System.Text.Json;

namespace Ministudio.Dispatch.Tests.Vendors.Veo;

/// <summary>The Veo fakes refuse what Google refuses, so a request the real API would answer with 400 cannot pass.</summary>
public sealed class VeoRulesTests
{
    private static string? Check(string instance, string parameters) =>
        VeoRules.Violation(JsonDocument.Parse("{\"instances\":[{\"prompt\":\"p\"" + instance + "}],\"parameters\":{" + parameters + "}}").RootElement);

    private const string Reference = ""","referenceImages":[{"image":{"bytesBase64Encoded":"AA==","mimeType":"image/png"},"referenceType":"asset"}]""";

    [Theory]
    [InlineData("", """ "aspectRatio":"16:9","durationSeconds":4,"resolution":"720p" """, null)]
    [InlineData("", """ "aspectRatio":"9:16","durationSeconds":8,"resolution":"1080p" """, null)]
    [InlineData(Reference, """ "aspectRatio":"16:9","durationSeconds":8,"resolution":"720p" """, null)]
    [InlineData("", """ "aspectRatio":"16:9","durationSeconds":6,"resolution":"1080p" """, "Requests at 1080p must be 8 seconds long.")]
    [InlineData(Reference, """ "aspectRatio":"16:9","durationSeconds":6,"resolution":"720p" """, "Requests with reference images must be 8 seconds long.")]
    [InlineData(Reference, """ "aspectRatio":"9:16","durationSeconds":8,"resolution":"720p" """, "Reference images are supported only with aspect ratio 16:9.")]
    [InlineData("", """ "aspectRatio":"1:1","durationSeconds":8 """, "Unsupported aspect ratio: 1:1. Supported: 16:9, 9:16.")]
    [InlineData("", """ "aspectRatio":"16:9","durationSeconds":5 """, "Unsupported duration: 5 s. Supported: 4, 6, 8.")]
    [InlineData("", """ "aspectRatio":"16:9","durationSeconds":"8s" """, "durationSeconds must be a number.")]
    [InlineData("", """ "aspectRatio":"16:9","durationSeconds":8,"cfgScale":1 """, "Invalid JSON payload received. Unknown name \"cfgScale\" at 'parameters': Cannot find field.")]
    public void Veo_requests_are_checked_the_way_google_checks_them(string instance, string parameters, string? violation) =>
        Assert.Equal(violation, Check(instance, parameters));
}
