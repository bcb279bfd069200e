using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.Prompt.Jobs;

/// <summary>Moves jobs through their states as dispatch and compose report back. Every handler is idempotent.</summary>
public sealed class JobEventsConsumer(JobStateMachine jobs) :
    IConsumer<ShotProgressed>,
    IConsumer<ShotRendered>,
    IConsumer<ShotFailed>,
    IConsumer<FilmComposeProgressed>,
    IConsumer<FilmComposed>,
    IConsumer<FilmComposeFailed>
{
    public Task Consume(ConsumeContext<ShotProgressed> context) => jobs.RecordShotProgressAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<ShotRendered> context) => jobs.RecordShotRenderedAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<ShotFailed> context) => jobs.RecordShotFailedAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<FilmComposeProgressed> context) => jobs.RecordComposeProgressAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<FilmComposed> context) => jobs.RecordFilmComposedAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<FilmComposeFailed> context) => jobs.RecordFilmComposeFailedAsync(context.Message, context.CancellationToken);
}
