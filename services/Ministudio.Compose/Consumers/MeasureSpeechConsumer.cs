using MassTransit;
using Ministudio.Compose.Audio;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Consumers;

/// <summary>
/// Speaks a film's lines before its shots are made, so prompt can size shots to their speech and refuse speech that does
/// not fit. The speech is cached in the artifact store: composing the film later reuses it at no cost.
/// </summary>
public sealed class MeasureSpeechConsumer(ISpeechSynthesizer speech, ArtifactStore artifacts) : IConsumer<MeasureSpeech>
{
    public async Task Consume(ConsumeContext<MeasureSpeech> context)
    {
        var folder = artifacts.CreateScratchFolder();
        // Measured before the film has a job: the spend is the tenant's, without a job.
        var payer = SpeechPayer.Of(context.Message.TenantId, jobId: null);
        try
        {
            var seconds = new List<double>();
            for (var i = 0; i < context.Message.Lines.Count; i++)
            {
                var line = context.Message.Lines[i];
                try
                {
                    seconds.Add((await speech.SynthesizeAsync(new SpeechRequest(line.Text, line.Voice, Payer: payer), folder, context.CancellationToken)).DurationSeconds);
                }
                catch (SpeechException ex)
                {
                    await context.RespondAsync(new SpeechRefused(i, ex.Code, ex.Message, ex.Retryable));
                    return;
                }
            }
            await context.RespondAsync(new SpeechMeasured(seconds));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
