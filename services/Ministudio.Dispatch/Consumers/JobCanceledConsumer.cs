using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.Dispatch.Consumers;

/// <summary>Runs on every dispatch instance (its own temporary queue), since any of them may hold the job's shots.</summary>
public sealed class JobCanceledConsumer(CanceledJobs canceled) : IConsumer<JobCanceled>
{
    public Task Consume(ConsumeContext<JobCanceled> context) => canceled.CancelAsync(context.Message.JobId);
}
