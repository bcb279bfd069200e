namespace Ministudio.Dispatch.Consumers;

/// <summary>How many shots one dispatch replica takes off the queue at once (<c>Dispatch:MaxConcurrentShots</c>, one per core).</summary>
public sealed class ShotConsumerOptions
{
    public const string Section = "Dispatch";

    public int MaxConcurrentShots { get; set; } = Environment.ProcessorCount;
}
