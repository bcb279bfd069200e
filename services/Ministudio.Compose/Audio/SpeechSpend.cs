using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.Compose.Audio;

/// <summary>Where the cost of a synthesis goes: dispatch's cost ledger, which compose (without a database) reaches over the bus.</summary>
public interface ISpeechSpend
{
    Task RecordAsync(SpeechSynthesized spend, CancellationToken ct);
}

/// <summary>Publishes <see cref="SpeechSynthesized"/>; dispatch records it once per synthesis id, however often it arrives.</summary>
public sealed class BusSpeechSpend(IBus bus) : ISpeechSpend
{
    public Task RecordAsync(SpeechSynthesized spend, CancellationToken ct) => bus.Publish(spend, ct);
}
