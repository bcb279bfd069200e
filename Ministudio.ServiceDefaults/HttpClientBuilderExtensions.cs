namespace Microsoft.Extensions.DependencyInjection;

public static class HttpClientBuilderExtensions
{
    /// <summary>
    /// Takes the standard resilience handler (from AddServiceDefaults' ConfigureHttpClientDefaults) off one client, for
    /// calls whose timeouts and retries the caller decides: long streams, vendor create calls that must not run twice.
    /// </summary>
    public static IHttpClientBuilder WithoutStandardResilience(this IHttpClientBuilder builder)
    {
        // RemoveAllResilienceHandlers is marked experimental but is the documented way to opt one client out of the defaults.
#pragma warning disable EXTEXP0001
        return builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }
}
