using Ministudio.Compose.Audio;
using Ministudio.Platform.Tenancy;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>
/// Cloud voices are paid with the tenant's own key (BYOK, read from prompt) when it holds one, else the platform's;
/// with neither the line is refused. Every synthesis a tenant pays for is announced once to the cost ledger; a cache hit
/// is not. Against the fake OpenAI server, which records the key each request carried.
/// </summary>
public sealed class TenantSpeechKeysTests(FakeOpenAi fake) : IClassFixture<FakeOpenAi>, IDisposable
{
    private const string AcmeKey = "sk-acme-own";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Guid _acme = Guid.NewGuid();
    private readonly Guid _globex = Guid.NewGuid();
    private SpeechServices? _services;

    public void Dispose() => _services?.Dispose();

    /// <summary>OpenAI pointed at the fake, with or without the platform's own key; Acme holds a key of its own.</summary>
    private SpeechServices Services(bool platformKey)
    {
        fake.Reset();
        fake.Keys.Add(AcmeKey);
        _services = new SpeechServices(new Dictionary<string, string?>
        {
            ["Compose:Audio:OpenAI:BaseUrl"] = fake.BaseUrl.ToString(),
            ["Compose:Audio:OpenAI:ApiKey"] = platformKey ? FakeOpenAi.ApiKey : null,
            ["Compose:Audio:OpenAI:Model"] = "gpt-4o-mini-tts",
        });
        _services.Prompt.Stored[_acme] = new() { ["openai"] = AcmeKey };
        return _services;
    }

    private static Task<SpeechClip> SpeakAsync(SpeechServices services, string text, Guid tenant, Guid? job = null, string voice = "openai:alloy") =>
        services.Synthesizer.SynthesizeAsync(new SpeechRequest(text, voice, Payer: new SpeechPayer(tenant, job)), services.Folder, Ct);

    private IEnumerable<string?> KeysSeen => fake.Requests.Select(r => r.Header("Authorization"));

    [Fact]
    public async Task A_tenants_own_key_pays_for_its_lines_only_and_each_synthesis_is_announced_once()
    {
        var services = Services(platformKey: true);
        var job = Guid.NewGuid();

        await SpeakAsync(services, "Acme pays for this line.", _acme, job);
        await SpeakAsync(services, "Globex speaks on the platform's key.", _globex, job: null);
        // Cache hits, for the tenant that paid and for another one: no vendor call, nothing billed.
        await SpeakAsync(services, "Acme pays for this line.", _acme, job);
        await SpeakAsync(services, "Acme pays for this line.", _globex);

        Assert.Equal([$"Bearer {AcmeKey}", $"Bearer {FakeOpenAi.ApiKey}"], KeysSeen);
        var spend = services.Spend.Announced;
        Assert.Equal([(_acme, (Guid?)job, true), (_globex, (Guid?)null, false)], spend.Select(s => (s.TenantId, s.JobId, s.Byok)));
        Assert.Equal(2, spend.Select(s => s.SynthesisId).Distinct().Count());
        Assert.All(spend, s => Assert.Equal(("openai", "gpt-4o-mini-tts"), (s.Vendor, s.Model)));
        Assert.Equal(["Acme pays for this line.".Length, "Globex speaks on the platform's key.".Length], spend.Select(s => s.Characters));
        // The catalogue's $0.015 a minute for the fake's 1.5 s of audio.
        Assert.All(spend, s => Assert.Equal(FakeSpeechVendor.AudioSeconds, s.Seconds, 0.1));
        Assert.All(spend, s => Assert.InRange(s.CostUsd, 0.000370m, 0.000380m));
    }

    [Fact]
    public async Task A_voice_whose_vendor_nobody_holds_a_key_for_is_refused_before_any_call()
    {
        var services = Services(platformKey: false);

        var refused = await Assert.ThrowsAsync<SpeechException>(() => SpeakAsync(services, "Nobody pays for this.", _globex));
        Assert.Equal(("tts.not_configured", false), (refused.Code, refused.Retryable));
        Assert.Contains("provider-secrets/openai", refused.Message);
        Assert.DoesNotContain(AcmeKey, refused.Message);
        // Acme's own key speaks; the same line, now cached, is still refused to Globex: a voice's use never depends on the cache.
        await SpeakAsync(services, "Acme's own line.", _acme);
        Assert.Equal("tts.not_configured", (await Assert.ThrowsAsync<SpeechException>(() => SpeakAsync(services, "Acme's own line.", _globex))).Code);

        Assert.Equal([$"Bearer {AcmeKey}"], KeysSeen);
        Assert.Equal([_acme], services.Spend.Announced.Select(s => s.TenantId));
    }

    [Fact]
    public async Task Without_prompt_a_cloud_line_fails_retryably_and_espeak_never_asks_for_keys()
    {
        var services = Services(platformKey: true);
        services.Prompt.Down = true;

        var refused = await Assert.ThrowsAsync<SpeechException>(() => SpeakAsync(services, "Whose key is it?", _acme));
        Assert.Equal((TenantVendorSecrets.ErrorCode, true), (refused.Code, refused.Retryable));
        Assert.Empty(fake.Requests);

        var calls = services.Prompt.Calls;
        await SpeakAsync(services, "Spoken on this machine.", _acme, voice: "espeak:en-us");
        Assert.Equal(calls, services.Prompt.Calls);
        var local = Assert.Single(services.Spend.Announced);
        Assert.Equal(("espeak", "espeak-ng", 0m, false), (local.Vendor, local.Model, local.CostUsd, local.Byok));
    }
}
