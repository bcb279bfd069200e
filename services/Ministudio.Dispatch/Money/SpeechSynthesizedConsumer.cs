using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.Dispatch.Money;

/// <summary>Records what compose's speech cost in the ledger; a redelivered announcement is recorded once (its synthesis id).</summary>
public sealed class SpeechSynthesizedConsumer(CostLedger ledger) : IConsumer<SpeechSynthesized>
{
    public Task Consume(ConsumeContext<SpeechSynthesized> context) => ledger.RecordSpeechAsync(context.Message, context.CancellationToken);
}
