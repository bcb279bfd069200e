namespace Ministudio.Prompt.Networking;

/// <summary>Why a URL was refused: a stable code for problem+json and a sentence for people.</summary>
public sealed record SsrfRefusal(string Code, string Reason);

/// <summary>Thrown from the connect callback when every address of a host is refused; surfaces inside HttpRequestException.</summary>
public sealed class SsrfBlockedException(SsrfRefusal refusal) : IOException(refusal.Reason)
{
    public SsrfRefusal Refusal { get; } = refusal;
}
